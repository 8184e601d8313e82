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
    public async Task Refusals_that_keep_coming_push_the_interval_past_each_gap_they_prove_from_the_last_request_let_through()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        pacer.OnAccepted(await Turn(pacer));
        var intervals = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            pacer.OnRefused(await Turn(pacer));
            intervals.Add(Ms(pacer.Interval));
        }
        Assert.Equal(new[] { 202.0, 404, 808 }, intervals);
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
        pacer.OnRefused(await Turn(pacer));
        Assert.Equal(404, Ms(pacer.Interval));
        // 200 paced requests let through take a little over a minute at 404 ms: only the first ones fall in the minute.
        for (var i = 0; i < 100; i++) pacer.OnAccepted(await Turn(pacer));
        Assert.Equal(404, Ms(pacer.Interval));

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
        await Turn(pacer);
        pacer.PauseFor(TimeSpan.FromSeconds(3));
        Assert.Equal(3000, Ms((await Turn(pacer)).SentAt));
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
