
namespace Pixelcut.TryOn.Tests;

/// <summary>A clock that moves only when something waits on it, so timing logic runs without sleeping.</summary>
internal sealed class FakeClock : IClock
{
    private readonly object _gate = new();
    private TimeSpan _now;

    public TimeSpan Now { get { lock (_gate) return _now; } }

    public List<TimeSpan> Delays { get; } = new();

    public Task Delay(TimeSpan delay, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Delays.Add(delay);
            if (delay > TimeSpan.Zero) _now += delay;
        }
        return Task.CompletedTask;
    }

    public Task WaitUntil(TimeSpan moment, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (moment > _now) _now = moment;
        }
        return Task.CompletedTask;
    }

    public void Advance(TimeSpan by) { lock (_gate) _now += by; }
}
