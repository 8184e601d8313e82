namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// A counter per window aligned to the clock (per UTC second, on the sandbox's clock), as a key per Unix second in a cache
/// keeps it: <c>limit</c> requests in each window, however close together, and the count starts over when the next begins.
/// </summary>
public sealed class FixedWindow : IRateLimiter
{
    private readonly object _gate = new();
    private readonly int _limit;
    private readonly TimeSpan _window;
    private long _index;
    private int _count;

    public FixedWindow(int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _limit = limit;
        _window = window;
    }

    public RateDecision Decide(TimeSpan now)
    {
        var index = now.Ticks / _window.Ticks;
        lock (_gate)
        {
            // A request that read the clock just before another's but took the lock after it counts in the newer window.
            if (index > _index)
            {
                _index = index;
                _count = 0;
            }
            var allowed = _count < _limit;
            if (allowed) _count++;
            var windowEnds = TimeSpan.FromTicks((_index + 1) * _window.Ticks) - now;
            return new RateDecision(allowed, _limit, _window, _limit - _count, windowEnds, allowed ? TimeSpan.Zero : windowEnds);
        }
    }
}
