namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// The times of the requests in the last <c>window</c>, and a request refused when it finds <c>limit</c> of them there.
/// With <c>countRefused</c>, refused requests are logged too, as some limiters log every attempt: a client that keeps
/// retrying faster than the limit then keeps itself out.
/// </summary>
public sealed class SlidingLog : IRateLimiter
{
    private readonly object _gate = new();
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly bool _countRefused;
    private readonly Queue<TimeSpan> _log = new();
    private TimeSpan _newest;

    public SlidingLog(int limit, TimeSpan window, bool countRefused)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _limit = limit;
        _window = window;
        _countRefused = countRefused;
    }

    public RateDecision Decide(TimeSpan now)
    {
        lock (_gate)
        {
            // The log stays in order even when requests that read the clock at once take the lock out of order.
            now = now > _newest ? now : _newest;
            while (_log.TryPeek(out var oldest) && oldest + _window <= now) _log.Dequeue();
            var allowed = _log.Count < _limit;
            if (allowed || _countRefused)
            {
                _log.Enqueue(now);
                _newest = now;
            }
            var emptyAfter = _log.Count == 0 ? TimeSpan.Zero : _newest + _window - now;
            // A retry passes once all but limit - 1 of the logged requests have left the window.
            var retryAfter = allowed ? TimeSpan.Zero : _log.ElementAt(_log.Count - _limit) + _window - now;
            return new RateDecision(allowed, _limit, _window, Math.Max(0, _limit - _log.Count), emptyAfter, retryAfter);
        }
    }
}
