using System.Net;

namespace Pixelcut.TryOn.Tests;

public class ConcurrencyLimiterTests
{
    [Fact(Timeout = 20000)]
    public async Task Starts_at_five_and_grows_by_one_per_wasted_pacer_slot_until_the_first_429()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 5; i++) Assert.False(await limiter.AcquireAsync(false, CancellationToken.None));
        var sixth = limiter.AcquireAsync(false, CancellationToken.None);
        Assert.False(sixth.IsCompleted);
        limiter.OnPacerSlotWasted();
        Assert.True(await sixth);
        Assert.Equal(6, limiter.Limit);
        Assert.Equal(6, limiter.InFlight);
    }

    [Fact(Timeout = 20000)]
    public async Task A_429_drops_the_limit_below_what_was_in_flight_and_probing_above_it_waits_longer_each_time()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 5; i++) await limiter.AcquireAsync(false, CancellationToken.None);
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 4, certain: false), "four of five out: a limit on them may have bitten");
        Assert.Equal(3, limiter.Limit);
        for (var i = 0; i < 5; i++) limiter.Release();

        Assert.False(limiter.IsProbeAboveCeiling(4));
        Assert.Equal(100, WastedSlotsUntilTheLimitPasses(limiter, 3));
        Assert.True(limiter.IsProbeAboveCeiling(4), "the limiter is probing one above its ceiling");
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 4, certain: false), "a refused probe is put down to concurrency");
        Assert.Equal(3, limiter.Limit);
        Assert.Equal(200, WastedSlotsUntilTheLimitPasses(limiter, 3));
    }

    [Fact(Timeout = 20000)]
    public async Task A_slot_given_before_the_limit_fell_sends_nothing_while_as_many_are_out_as_the_new_limit_allows()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 5; i++) await limiter.AcquireAsync(false, CancellationToken.None);
        for (var i = 0; i < 4; i++) Assert.NotNull(limiter.TryBeginSend());
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 4, certain: false));
        limiter.EndSend();

        Assert.Null(limiter.TryBeginSend());
        limiter.EndSend();
        Assert.Equal(3, limiter.TryBeginSend()?.InFlight);
    }

    [Fact]
    public void A_send_with_more_out_than_ever_before_is_marked_as_one_likely_to_wait_for_a_connection_of_its_own()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        Assert.True(limiter.TryBeginSend()?.MoreThanEverBefore);
        Assert.True(limiter.TryBeginSend()?.MoreThanEverBefore);
        limiter.EndSend();
        Assert.False(limiter.TryBeginSend()?.MoreThanEverBefore, "two were out before: a connection is free");
        Assert.True(limiter.TryBeginSend()?.MoreThanEverBefore);
    }

    [Fact]
    public void An_answer_many_intervals_long_raises_the_limit_to_what_the_pace_needs_but_never_past_a_ceiling_or_a_fixed_limit()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        limiter.OnAnswered(Out(1), neededForPace: 9);
        Assert.Equal(9, limiter.Limit);
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 4, certain: true));
        limiter.OnAnswered(Out(3), neededForPace: 9);
        Assert.Equal(3, limiter.Limit);

        var fixedLimit = ConcurrencyLimiter.Fixed(3);
        fixedLimit.OnAnswered(Out(1), neededForPace: 9);
        Assert.Equal(3, fixedLimit.Limit);
    }

    /// <summary>Sends one request with as many out as are out now, one more, and answers it: let through, or refused.</summary>
    private static int? SendAndAnswer(ConcurrencyLimiter limiter, bool refused, bool mayConclude = true)
    {
        var send = limiter.TryBeginSend()!.Value;
        limiter.EndSend();
        if (refused) return limiter.InFlightTheApiRefuses(send, mayConclude);
        limiter.OnAnswered(send, neededForPace: 0);
        return null;
    }

    private static LimitedSend Out(int inFlight) => new LimitedSend(inFlight, 0, moreThanEverBefore: false);

    [Fact]
    public void Refusals_of_half_the_requests_sent_with_as_many_out_as_the_fewest_refused_show_the_api_s_limit()
    {
        var clock = new FakeClock();
        var limiter = new ConcurrencyLimiter(clock);
        for (var i = 0; i < 3; i++) limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: true));
        clock.Advance(TimeSpan.FromMilliseconds(50));
        // Our count runs ahead of the API's while an answer is on its way back: one sent with four out passes.
        Assert.Null(SendAndAnswer(limiter, refused: false));
        // One of the three is answered, and a request sent with three out after the refusal is let through.
        limiter.EndSend();
        Assert.Null(SendAndAnswer(limiter, refused: false));
        limiter.TryBeginSend();
        Assert.Equal(4, SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void Refusals_at_every_count_as_a_limit_on_the_rate_makes_them_show_no_limit_on_the_number()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        limiter.OnAnswered(Out(1), neededForPace: 10);
        limiter.TryBeginSend();
        for (var count = 2; count <= 5; count++)
        {
            for (var i = 0; i < 3; i++) Assert.Null(SendAndAnswer(limiter, refused: false));
            Assert.Null(SendAndAnswer(limiter, refused: true));
            limiter.TryBeginSend();
        }
    }

    [Fact]
    public void Refusals_of_every_request_at_counts_let_through_before_show_no_limit_until_one_sent_with_fewer_out_since_is_let_through()
    {
        var clock = new FakeClock();
        var limiter = new ConcurrencyLimiter(clock);
        for (var round = 0; round < 2; round++)
        {
            var sends = Enumerable.Range(0, 4).Select(_ => limiter.TryBeginSend()!.Value).ToList();
            foreach (var send in sends)
            {
                limiter.OnAnswered(send, neededForPace: 0);
                limiter.EndSend();
            }
        }
        clock.Advance(TimeSpan.FromSeconds(1));

        // A quota's window ran out, and the API says nothing of it: every request is refused, whatever the number out.
        var stillOut = Enumerable.Range(0, 3).Select(_ => limiter.TryBeginSend()!.Value).ToList();
        for (var i = 0; i < 5; i++) Assert.Null(SendAndAnswer(limiter, refused: true));
        // One sent before the first refusal, let through only now, shows nothing: the API took it in before.
        clock.Advance(TimeSpan.FromMilliseconds(50));
        limiter.OnAnswered(stillOut[0], neededForPace: 0);
        limiter.EndSend();
        limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: true));

        // A limit on the number out lets one with fewer out through while it refuses those with more.
        limiter.EndSend();
        Assert.Null(SendAndAnswer(limiter, refused: false));
        limiter.TryBeginSend();
        Assert.Equal(4, SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void Requests_sent_as_high_and_not_answered_yet_count_against_the_refusals()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        limiter.OnAnswered(Out(1), neededForPace: 10);
        for (var i = 0; i < 3; i++) limiter.TryBeginSend();
        var refused = limiter.TryBeginSend()!.Value;
        limiter.EndSend();
        // Three left with four to six out while the 429 was on its way back, and are still out.
        for (var i = 0; i < 3; i++) limiter.TryBeginSend();
        Assert.Null(limiter.InFlightTheApiRefuses(refused, mayConclude: true));
        Assert.Null(SendAndAnswer(limiter, refused: true));
        Assert.Equal(7, SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void A_refusal_with_fewer_out_hides_no_limit_shown_above_it()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        Assert.Null(SendAndAnswer(limiter, refused: true));
        limiter.TryBeginSend();
        // The rate's refusal with two out, and then two more leave, with two and three out.
        Assert.Null(SendAndAnswer(limiter, refused: true));
        for (var i = 0; i < 2; i++) limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: true));
        Assert.Equal(4, SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void A_refusal_with_nothing_else_out_never_shows_a_limit_on_the_number()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 5; i++) Assert.Null(SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void Only_the_last_minute_s_requests_count()
    {
        var clock = new FakeClock();
        var limiter = new ConcurrencyLimiter(clock);
        for (var i = 0; i < 3; i++) limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: true));
        clock.Advance(ConcurrencyLimiter.CeilingLifetime);
        Assert.Null(SendAndAnswer(limiter, refused: true));
        Assert.Equal(4, SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void Refusals_a_ceiling_was_set_for_count_for_no_lower_one()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 3; i++) limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: true));
        Assert.Equal(4, SendAndAnswer(limiter, refused: true));
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 4, certain: true));

        limiter.EndSend();
        Assert.Null(SendAndAnswer(limiter, refused: true));
        Assert.Equal(3, SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void What_was_let_through_before_a_ceiling_still_counts_after_it()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 2; i++) limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: false));
        limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: true));
        Assert.Equal(4, SendAndAnswer(limiter, refused: true));
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 4, certain: true));

        // Every request refused, with three out as when one was let through: a quota's doing, not a lower limit's.
        limiter.EndSend();
        for (var i = 0; i < 3; i++) Assert.Null(SendAndAnswer(limiter, refused: true));
    }

    [Fact]
    public void A_429_that_a_late_send_before_it_may_explain_counts_but_never_concludes()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 3; i++) limiter.TryBeginSend();
        Assert.Null(SendAndAnswer(limiter, refused: true, mayConclude: false));
        Assert.Null(SendAndAnswer(limiter, refused: true, mayConclude: false));
        Assert.Equal(4, SendAndAnswer(limiter, refused: true));
    }

    [Fact(Timeout = 20000)]
    public async Task A_ceiling_no_429_confirmed_for_a_minute_is_probed_one_above_and_after_a_probe_that_holds_the_next_comes_sooner()
    {
        var clock = new FakeClock();
        var limiter = new ConcurrencyLimiter(clock);
        for (var i = 0; i < 5; i++) await limiter.AcquireAsync(false, CancellationToken.None);
        limiter.OnThrottled(inFlightWhenSent: 4, certain: false);
        for (var i = 0; i < 5; i++) limiter.Release();
        limiter.OnPacerSlotWasted();
        Assert.Equal(3, limiter.Limit);

        clock.Advance(ConcurrencyLimiter.CeilingLifetime + TimeSpan.FromSeconds(1));
        limiter.OnAnswered(Out(3), neededForPace: 9);
        Assert.Equal(4, limiter.Limit);
        Assert.True(limiter.IsProbeAboveCeiling(4));

        limiter.OnAnswered(Out(4), neededForPace: 9);
        Assert.False(limiter.IsProbeAboveCeiling(4));
        Assert.Equal(4, limiter.Limit);
        Assert.Equal(25, WastedSlotsUntilTheLimitPasses(limiter, 4));
    }

    [Fact]
    public void A_stale_ceiling_that_holds_nothing_back_is_not_probed()
    {
        var clock = new FakeClock();
        var limiter = new ConcurrencyLimiter(clock);
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 11, certain: true));
        clock.Advance(ConcurrencyLimiter.CeilingLifetime + TimeSpan.FromSeconds(1));
        limiter.OnAnswered(Out(3), neededForPace: 4);
        Assert.Equal(5, limiter.Limit);
        Assert.False(limiter.IsProbeAboveCeiling(10));
    }

    [Fact(Timeout = 20000)]
    public async Task A_request_that_continues_a_job_takes_the_next_free_slot_ahead_of_new_jobs_but_within_the_limit()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 5; i++) await limiter.AcquireAsync(false, CancellationToken.None);
        var first = limiter.AcquireAsync(false, CancellationToken.None);
        var second = limiter.AcquireAsync(false, CancellationToken.None);
        var confirmation = limiter.AcquireAsync(continuesJob: true, CancellationToken.None);
        Assert.False(confirmation.IsCompleted, "the limit holds for work already begun too");

        limiter.Release();
        Assert.True(await confirmation);
        Assert.False(first.IsCompleted);
        limiter.Release();
        Assert.True(await first);
        Assert.False(second.IsCompleted);
        Assert.Equal(5, limiter.InFlight);
    }

    [Fact(Timeout = 20000)]
    public async Task Waiting_for_a_slot_honours_cancellation_and_gives_no_slot_away()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 5; i++) await limiter.AcquireAsync(false, CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.AcquireAsync(false, cancellation.Token));
        limiter.Release();
        Assert.Equal(4, limiter.InFlight);
        Assert.False(await limiter.AcquireAsync(false, CancellationToken.None));
        Assert.Equal(5, limiter.InFlight);
    }

    [Fact]
    public void A_429_to_a_request_sent_with_few_others_out_is_not_put_down_to_concurrency_unless_the_headers_say_so()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        Assert.False(limiter.OnThrottled(inFlightWhenSent: 1, certain: false));
        Assert.False(limiter.OnThrottled(inFlightWhenSent: 2, certain: false));
        Assert.Equal(5, limiter.Limit);
        Assert.True(limiter.OnThrottled(inFlightWhenSent: 2, certain: true));
        Assert.Equal(1, limiter.Limit);
    }

    [Fact(Timeout = 20000)]
    public async Task A_limit_the_user_set_neither_grows_nor_shrinks()
    {
        var limiter = ConcurrencyLimiter.Fixed(3);
        for (var i = 0; i < 3; i++) await limiter.AcquireAsync(false, CancellationToken.None);
        for (var i = 0; i < 100; i++) limiter.OnPacerSlotWasted();
        Assert.False(limiter.OnThrottled(inFlightWhenSent: 3, certain: false));
        Assert.False(limiter.OnThrottled(inFlightWhenSent: 3, certain: true));
        Assert.Equal(3, limiter.Limit);
        Assert.False(limiter.AcquireAsync(false, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void Never_goes_below_one_or_above_sixty_four()
    {
        var limiter = new ConcurrencyLimiter(new FakeClock());
        for (var inFlight = 5; inFlight >= 1; inFlight--) limiter.OnThrottled(inFlight, certain: true);
        Assert.Equal(1, limiter.Limit);
        var grower = new ConcurrencyLimiter(new FakeClock());
        for (var i = 0; i < 500; i++) grower.OnPacerSlotWasted();
        Assert.Equal(64, grower.Limit);
    }

    /// <summary>
    /// The requester against a fake API that answers only when the test says, with a fake clock for the pace: while
    /// answers take long enough for the pacer to sit idle, in flight grows; 429s past the API's own concurrency
    /// limit bring it back under that limit, and every request still ends cancelled.
    /// </summary>
    [Fact(Timeout = 20000)]
    public async Task In_flight_grows_when_latency_rises_and_falls_back_after_429s()
    {
        var api = new HeldApi(concurrencyLimit: 8);
        var clock = new FakeClock();
        var limiter = new ConcurrencyLimiter(clock);
        var requester = TestRequests.Requester(ScriptedHandler.Always(api.Answer), clock, new RequestPacer(100, clock), limiter);

        // Answers that come at once: nothing waits for a slot, so nothing grows.
        api.AnswerAtOnce = true;
        for (var i = 0; i < 20; i++) await requester.SendAsync(HttpMethod.Post, $"quick-{i}", $"v1/try-on/job/quick-{i}/cancel", null, false, CancellationToken.None);
        Assert.Equal(5, limiter.Limit);

        // Answers that take 100 ms, ten times the pacer's spacing: each answer frees a slot for a request that has
        // waited while the pacer sat idle, so in flight grows until the API answers 429 past its limit of 8.
        api.AnswerAtOnce = false;
        var sends = Enumerable.Range(0, 40)
            .Select(i => requester.SendAsync(HttpMethod.Post, $"slow-{i}", $"v1/try-on/job/slow-{i}/cancel", null, false, CancellationToken.None)).ToList();
        await api.Settle();
        Assert.Equal(5, api.Held);
        for (var round = 0; round < 30 && api.Answered429 == 0; round++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            api.AnswerOldest();
            await api.Settle();
        }
        Assert.Equal(8, api.PeakHeld);
        Assert.True(api.Answered429 > 0, "the limit grew past what the API allows");
        Assert.InRange(limiter.Limit, 1, 8);

        api.AnswerAtOnce = true;
        api.AnswerAll();
        var results = await Task.WhenAll(sends);
        Assert.All(results, result => Assert.NotNull(result.Value));
        Assert.InRange(limiter.Limit, 1, 8);
        Assert.Equal(0, limiter.InFlight);
    }

    private static int WastedSlotsUntilTheLimitPasses(ConcurrencyLimiter limiter, int limit)
    {
        for (var wasted = 1; wasted <= 1000; wasted++)
        {
            limiter.OnPacerSlotWasted();
            if (limiter.Limit > limit) return wasted;
        }
        return -1;
    }

    /// <summary>An API that holds each request until told to answer, and answers 429 to one past its concurrency limit.</summary>
    private sealed class HeldApi(int concurrencyLimit)
    {
        private readonly object _gate = new();
        private readonly Queue<TaskCompletionSource<bool>> _held = new();
        private int _changes;
        public bool AnswerAtOnce { get; set; }
        public int PeakHeld { get; private set; }
        public int Answered429 { get; private set; }
        public int Held { get { lock (_gate) return _held.Count; } }

        public async Task<HttpResponseMessage> Answer(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            TaskCompletionSource<bool> hold;
            lock (_gate)
            {
                _changes++;
                if (AnswerAtOnce) return Cancelled();
                if (_held.Count >= concurrencyLimit)
                {
                    Answered429++;
                    return new HttpResponseMessage((HttpStatusCode)429) { Content = new StringContent("""{"error":"Too much concurrency","error_code":"rate_limit_exceeded"}""") };
                }
                hold = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Enqueue(hold);
                PeakHeld = Math.Max(PeakHeld, _held.Count);
            }
            await hold.Task;
            return Cancelled();
        }

        public void AnswerOldest()
        {
            lock (_gate) if (_held.Count > 0) _held.Dequeue().SetResult(true);
        }

        public void AnswerAll()
        {
            lock (_gate) while (_held.Count > 0) _held.Dequeue().SetResult(true);
        }

        /// <summary>Waits until no new request has arrived for a while, so the requester has done all it will.</summary>
        public async Task Settle()
        {
            int seen;
            do
            {
                lock (_gate) seen = _changes;
                await Task.Delay(50);
            }
            while (seen != Volatile.Read(ref _changes));
        }

        private static HttpResponseMessage Cancelled() => new(HttpStatusCode.OK) { Content = new StringContent("""{"message":"Job cancelled"}""") };
    }
}
