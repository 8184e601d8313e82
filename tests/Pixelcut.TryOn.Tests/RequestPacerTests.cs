
namespace Pixelcut.TryOn.Tests;

public class RequestPacerTests
{
    [Fact]
    public void Requests_are_spaced_evenly_at_the_set_rate()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var waits = Enumerable.Range(0, 4).Select(_ => pacer.ReserveSlot()).ToArray();
        Assert.Equal(new[] { 0, 200, 400, 600 }, waits.Select(w => (int)Math.Round(w.TotalMilliseconds)));
    }

    [Fact]
    public void Idle_time_is_not_saved_up_into_a_burst()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(10, clock);
        pacer.ReserveSlot();
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, pacer.ReserveSlot());
        Assert.Equal(100, pacer.ReserveSlot().TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void A_429_slows_every_request_then_accepted_requests_recover_the_rate()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(10, clock);
        pacer.OnThrottled();
        pacer.OnThrottled();
        Assert.Equal(1.5625, pacer.Slowdown, precision: 6);
        pacer.ReserveSlot();
        Assert.Equal(156.25, pacer.ReserveSlot().TotalMilliseconds, precision: 3);

        for (var i = 0; i < 10; i++) pacer.OnAccepted();
        Assert.InRange(pacer.Slowdown, 1.01, 1.5);
        for (var i = 0; i < 100; i++) pacer.OnAccepted();
        Assert.Equal(1, pacer.Slowdown);
    }

    [Fact]
    public void Slowdown_is_bounded()
    {
        var pacer = new RequestPacer(10, new FakeClock());
        for (var i = 0; i < 50; i++) pacer.OnThrottled();
        Assert.Equal(8, pacer.Slowdown);
    }

    [Fact]
    public void One_pacer_serves_every_command_with_the_same_key()
    {
        var first = RequestPacer.ForKey("fingerprint-shared-test", 5);
        var second = RequestPacer.ForKey("fingerprint-shared-test", 7);
        var other = RequestPacer.ForKey("fingerprint-other-test", 5);
        Assert.Same(first, second);
        Assert.NotSame(first, other);
        Assert.Equal(7, first.RequestsPerSecond);
    }
}
