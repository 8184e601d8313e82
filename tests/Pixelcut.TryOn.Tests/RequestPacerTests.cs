namespace Pixelcut.TryOn.Tests;

/// <summary>The pace on a fake clock: never early, no burst, and a 429 answered just above the gap it proves.</summary>
public class RequestPacerTests
{
    private static async Task<PaceTurn> Turn(RequestPacer pacer) => await pacer.WaitTurnAsync(CancellationToken.None);

    private static double Ms(TimeSpan time) => Math.Round(time.TotalMilliseconds, 3);

    [Fact]
    public async Task Requests_leave_one_interval_apart_and_the_first_at_once()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var sent = new List<double>();
        for (var i = 0; i < 4; i++) sent.Add(Ms((await Turn(pacer)).SentAt));
        Assert.Equal(new[] { 0.0, 200, 400, 600 }, sent);
    }

    [Fact]
    public async Task A_request_that_left_late_moves_the_next_one_on_gaps_count_from_real_sends()
    {
        // The second request's timer wakes 60 ms late; a pace kept by schedule would send the third 140 ms after it.
        var clock = new LateOnceClock(TimeSpan.FromMilliseconds(60));
        var pacer = new RequestPacer(5, clock);
        var sent = new List<double>();
        for (var i = 0; i < 3; i++) sent.Add(Ms((await Turn(pacer)).SentAt));
        Assert.Equal(new[] { 0.0, 260, 460 }, sent);
    }

    [Fact]
    public async Task A_turn_given_back_before_its_request_left_counts_the_next_one_from_the_send_before_it()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        await Turn(pacer);
        var givenBack = await Turn(pacer);
        pacer.GiveBack(givenBack);
        Assert.Equal(200.0, Ms((await Turn(pacer)).SentAt));
        Assert.Equal(400.0, Ms((await Turn(pacer)).SentAt));
    }

    [Fact]
    public async Task A_turn_given_back_after_a_later_one_was_given_stays_spent()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        await Turn(pacer);
        var givenBack = await Turn(pacer);
        await Turn(pacer);
        pacer.GiveBack(givenBack);
        Assert.Equal(600.0, Ms((await Turn(pacer)).SentAt));
    }

    [Fact]
    public async Task A_429_counted_from_a_request_that_waited_for_a_new_connection_is_the_pace_s_but_raises_nothing()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        await Turn(pacer);
        var onNewConnection = await Turn(pacer);
        pacer.OnLeft(onNewConnection, new LimitedSend(2, 2, moreThanEverBefore: true));
        var refused = await Turn(pacer);
        Assert.True(pacer.OnRefused(refused), "a refusal at the pace is the rate's");
        Assert.Equal(TimeSpan.FromMilliseconds(200), pacer.Interval);

        // The same gap counted from a request that left when it was handed over proves the server's interval longer.
        pacer.OnAccepted(await Turn(pacer));
        var next = await Turn(pacer);
        Assert.True(pacer.OnRefused(next));
        Assert.Equal(TimeSpan.FromMilliseconds(202), pacer.Interval);
    }

    [Fact]
    public async Task A_request_that_opened_a_connection_of_its_own_holds_the_next_one_back_by_the_allowance()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        await Turn(pacer);
        var onNewConnection = await Turn(pacer);
        pacer.OnLeft(onNewConnection, new LimitedSend(2, 2, moreThanEverBefore: true));
        var next = await Turn(pacer);
        Assert.Equal(200 + 200 + Ms(RequestPacer.NewConnectionAllowance), Ms(next.SentAt));
        Assert.True(pacer.IsCountedFromLateRequest(next));
        Assert.False(pacer.IsCountedFromLateRequest(await Turn(pacer)));
    }

    [Fact]
    public async Task The_pace_needs_one_request_out_per_interval_of_a_round_trip_and_one_more_waiting()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var turn = await Turn(pacer);
        clock.Advance(TimeSpan.FromMilliseconds(1600));
        Assert.Equal(9, pacer.InFlightToKeepPace(turn));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(10, pacer.InFlightToKeepPace(turn));
    }

    /// <summary>A clock whose first wait that has to wait at all wakes late by the given time, as a timer may.</summary>
    private sealed class LateOnceClock(TimeSpan lateBy) : IClock
    {
        private readonly FakeClock _clock = new();
        private bool _late;

        public TimeSpan Now => _clock.Now;

        public Task Delay(TimeSpan delay, CancellationToken cancellation) => _clock.Delay(delay, cancellation);

        public Task WaitUntil(TimeSpan moment, CancellationToken cancellation)
        {
            if (moment > _clock.Now && !_late)
            {
                _late = true;
                moment += lateBy;
            }
            return _clock.WaitUntil(moment, cancellation);
        }
    }

    [Fact]
    public async Task Idle_time_is_not_saved_up_into_a_burst()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(10, clock);
        await Turn(pacer);
        clock.Advance(TimeSpan.FromSeconds(5));
        var first = await Turn(pacer);
        var second = await Turn(pacer);
        Assert.False(first.PaceBound);
        Assert.True(second.PaceBound);
        Assert.Equal(100, Ms(second.SentAt - first.SentAt));
    }

    [Fact]
    public async Task The_first_request_of_a_key_is_counted_from_its_answer_since_it_waited_for_its_connection()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var first = await Turn(pacer);
        clock.Advance(TimeSpan.FromMilliseconds(75));
        pacer.OnAccepted(first);
        Assert.Equal(275, Ms((await Turn(pacer)).SentAt));
    }

    [Fact]
    public async Task A_429_at_the_pace_raises_the_interval_just_above_the_refused_gap_once_per_round_trip()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var accepted = await Turn(pacer);
        pacer.OnAccepted(accepted);
        var refused = await Turn(pacer);
        var inFlight = await Turn(pacer);
        Assert.True(pacer.OnRefused(refused));
        Assert.Equal(Ms(refused.SentAt - accepted.SentAt + RequestPacer.JitterMargin), Ms(pacer.Interval));
        // Sent before the raise, at the old pace: its refusal was answered already.
        Assert.True(pacer.OnRefused(inFlight));
        Assert.Equal(202, Ms(pacer.Interval));
    }

    [Fact]
    public async Task A_refusal_right_after_a_refused_request_is_counted_from_the_one_before_and_is_no_longer_the_paces()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await Turn(pacer));
        Assert.True(pacer.OnRefused(await Turn(pacer)));
        // 402 ms after the last request not refused: no bucket at 202 ms would have refused it.
        Assert.False(pacer.OnRefused(await Turn(pacer)));
        Assert.Equal(202, Ms(pacer.Interval));
    }

    /// <summary>Waits for a turn and sends with <paramref name="inFlight"/> out, none of them more than ever before.</summary>
    private static async Task<PaceTurn> SendWith(RequestPacer pacer, int inFlight)
    {
        var turn = await Turn(pacer);
        pacer.OnLeft(turn, new LimitedSend(inFlight, 0, moreThanEverBefore: false));
        return turn;
    }

    [Fact]
    public async Task A_limit_on_requests_in_flight_found_takes_back_what_the_latest_refusals_sent_with_as_many_out_raised_the_pace_by()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await SendWith(pacer, 1));
        Assert.True(pacer.OnRefused(await SendWith(pacer, 1)));
        for (var raised = 204; raised <= 206; raised += 2)
        {
            pacer.OnAccepted(await SendWith(pacer, 1));
            Assert.True(pacer.OnRefused(await SendWith(pacer, 3)));
            Assert.Equal(raised, Ms(pacer.Interval));
        }

        pacer.OnInFlightRefused(3);
        Assert.Equal(202, Ms(pacer.Interval));
        // The raise a refusal with one out made was the rate's: it stays, and so does what it proved.
        pacer.OnInFlightRefused(2);
        Assert.Equal(202, Ms(pacer.Interval));
        pacer.SlowDown(await SendWith(pacer, 1));
        for (var i = 0; i < 200; i++) pacer.OnAccepted(await Turn(pacer));
        Assert.InRange(Ms(pacer.Interval), 202, 202.2);
    }

    [Fact]
    public async Task A_raise_taken_back_leaves_the_pace_no_faster_than_the_documented_rate_a_command_set_since()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await SendWith(pacer, 1));
        Assert.True(pacer.OnRefused(await SendWith(pacer, 3)));
        pacer.RequestsPerSecond = 4;
        pacer.OnInFlightRefused(3);
        Assert.Equal(250, Ms(pacer.Interval));
    }

    [Fact]
    public async Task A_raise_by_a_refusal_with_fewer_out_since_keeps_every_raise_before_it()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await SendWith(pacer, 1));
        Assert.True(pacer.OnRefused(await SendWith(pacer, 3)));
        pacer.OnAccepted(await SendWith(pacer, 1));
        Assert.True(pacer.OnRefused(await SendWith(pacer, 1)));
        Assert.Equal(204, Ms(pacer.Interval));
        pacer.OnInFlightRefused(3);
        Assert.Equal(204, Ms(pacer.Interval));
    }

    [Fact]
    public async Task A_limit_on_requests_in_flight_found_takes_back_the_slowing_a_refusal_sent_with_as_many_out_brought()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.SlowDown(await SendWith(pacer, 4));
        Assert.Equal(250, Ms(pacer.Interval));
        pacer.OnInFlightRefused(5);
        Assert.Equal(250, Ms(pacer.Interval));
        pacer.OnInFlightRefused(4);
        Assert.Equal(200, Ms(pacer.Interval));
    }

    [Fact]
    public async Task A_429_nothing_explains_slows_the_pace_by_a_quarter_once_per_round_trip()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var first = await Turn(pacer);
        var second = await Turn(pacer);
        pacer.SlowDown(second);
        pacer.SlowDown(first);
        Assert.Equal(250, Ms(pacer.Interval));
        pacer.SlowDown(await Turn(pacer));
        Assert.Equal(312.5, Ms(pacer.Interval));
    }

    [Fact]
    public async Task A_429_long_after_the_pace_is_not_the_paces()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await Turn(pacer));
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(pacer.OnRefused(await Turn(pacer)));
        Assert.Equal(200, Ms(pacer.Interval));
    }

    [Fact]
    public async Task A_429_to_the_first_request_proves_nothing_about_the_pace_but_one_to_the_next_does_before_any_answer()
    {
        var pacer = new RequestPacer(5, new FakeClock());
        Assert.False(pacer.OnRefused(await Turn(pacer)));
        var other = new RequestPacer(5, new FakeClock());
        await Turn(other);
        Assert.True(other.OnRefused(await Turn(other)), "the first is still out, so it passed the door: the second came one interval after it");
        Assert.Equal(202, Ms(other.Interval));
    }

    [Fact]
    public async Task Paced_requests_let_through_give_the_gain_back_but_not_below_what_a_refusal_proved_for_a_minute()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await Turn(pacer));
        pacer.OnRefused(await Turn(pacer));
        pacer.SlowDown(await Turn(pacer));
        Assert.Equal(252.5, Ms(pacer.Interval));
        // Two hundred paced requests take well under a minute: the interval comes back near what the refusal proved, no lower.
        for (var i = 0; i < 200; i++) pacer.OnAccepted(await Turn(pacer));
        Assert.InRange(Ms(pacer.Interval), 202, 202.2);

        clock.Advance(RequestPacer.LearnedLifetime);
        for (var i = 0; i < 400; i++) pacer.OnAccepted(await Turn(pacer));
        Assert.Equal(200, Ms(pacer.Interval));
    }

    [Fact]
    public async Task The_interval_never_goes_below_the_documented_rate_and_a_request_not_held_by_the_pace_gives_nothing_back()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await Turn(pacer));
        pacer.OnRefused(await Turn(pacer));
        clock.Advance(TimeSpan.FromSeconds(2));
        pacer.OnAccepted(await Turn(pacer));
        Assert.Equal(202, Ms(pacer.Interval));
        for (var i = 0; i < 1000; i++) pacer.OnAccepted(await Turn(pacer));
        Assert.True(pacer.Interval >= TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_quotas_window_holds_every_request_until_it_resets()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.PauseFor(await Turn(pacer), TimeSpan.FromSeconds(3));
        Assert.Equal(3000, Ms((await Turn(pacer)).SentAt));
    }

    [Fact]
    public async Task Turns_given_up_hold_back_nobody_who_comes_after_them()
    {
        var clock = new HeldClock();
        var pacer = new RequestPacer(5, clock);
        await pacer.WaitTurnAsync(CancellationToken.None);
        using (var stop = new CancellationTokenSource())
        {
            var abandoned = Enumerable.Range(0, 5).Select(_ => pacer.WaitTurnAsync(stop.Token)).ToList();
            stop.Cancel();
            foreach (var turn in abandoned) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn);
        }
        clock.Release = true;
        Assert.Equal(200, Ms((await pacer.WaitTurnAsync(CancellationToken.None)).SentAt));
    }

    /// <summary>A fake clock whose waits for a later moment hold until released, so waiters can be given up first.</summary>
    private sealed class HeldClock : IClock
    {
        private readonly FakeClock _clock = new();

        public bool Release { get; set; }

        public TimeSpan Now => _clock.Now;

        public Task Delay(TimeSpan delay, CancellationToken cancellation) => _clock.Delay(delay, cancellation);

        public async Task WaitUntil(TimeSpan moment, CancellationToken cancellation)
        {
            while (!Release && moment > _clock.Now) await Task.Delay(5, cancellation);
            await _clock.WaitUntil(moment, cancellation);
        }
    }

    [Fact]
    public void One_pacer_serves_every_command_with_the_same_key()
    {
        var first = RequestPacer.ForKey("fingerprint-shared-test", 5);
        var second = RequestPacer.ForKey("fingerprint-shared-test", 7);
        var other = RequestPacer.ForKey("fingerprint-other-test", 5);
        Assert.Same(first, second);
        Assert.NotSame(first, other);
        Assert.Equal(7, first.RequestsPerSecond, precision: 4);
    }
}
