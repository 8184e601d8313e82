namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// Cloudflare's sliding window estimate: the previous window's count, weighed by how much of it still overlaps the last
/// <c>window</c>, plus the current window's count. A request is refused when the estimate has reached <c>limit</c>, and a
/// refused request is not counted. The sums are kept in ticks, so the comparison is exact.
/// </summary>
public sealed class SlidingWindowCounter : IRateLimiter
{
    private readonly object _gate = new();
    private readonly int _limit;
    private readonly TimeSpan _window;
    private long _index;
    private long _previous;
    private long _current;

    public SlidingWindowCounter(int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _limit = limit;
        _window = window;
    }

    public RateDecision Decide(TimeSpan now)
    {
        var length = _window.Ticks;
        var index = now.Ticks / length;
        lock (_gate)
        {
            if (index > _index)
            {
                _previous = index == _index + 1 ? _current : 0;
                _current = 0;
                _index = index;
            }
            var start = _index * length;
            var elapsed = Math.Max(0, now.Ticks - start);
            // The estimate times the window's length: previous * (1 - elapsed / length) + current, in whole ticks.
            var allowed = Estimate(elapsed) < _limit * length;
            if (allowed) _current++;
            var room = _limit * length - Estimate(elapsed);
            var remaining = room <= 0 ? 0 : (int)((room + length - 1) / length);
            var resetAfter = _current > 0 ? TimeSpan.FromTicks(start + 2 * length - now.Ticks)
                : _previous > 0 ? TimeSpan.FromTicks(start + length - now.Ticks)
                : TimeSpan.Zero;
            return new RateDecision(allowed, _limit, _window, remaining, resetAfter, allowed ? TimeSpan.Zero : RetryAfter(start, now.Ticks));
        }
    }

    private long Estimate(long elapsed) => _previous * (_window.Ticks - elapsed) + _current * _window.Ticks;

    /// <summary>The first tick at which the estimate is below the limit again, with no more requests.</summary>
    private TimeSpan RetryAfter(long start, long now)
    {
        var length = _window.Ticks;
        if (_current < _limit)
        {
            // previous * (length - elapsed) < (limit - current) * length, at the first whole tick of elapsed.
            var room = (_limit - _current) * length;
            var passes = length - (room + _previous - 1) / _previous + 1;
            return TimeSpan.FromTicks(start + passes - now);
        }
        // The current window is full: in the next, its count is the previous one's and fades from its first tick.
        return TimeSpan.FromTicks(start + length + 1 - now);
    }
}
