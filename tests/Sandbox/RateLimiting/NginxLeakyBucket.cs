namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// nginx's <c>limit_req</c> with no burst and no nodelay, computed as ngx_http_limit_req_lookup does: whole milliseconds,
/// a rate in thousandths of a request per second and an excess in thousandths of a request, all integers. A request is
/// refused when the excess it would leave is above the burst (0), and a refused request leaves the state as it was.
/// </summary>
public sealed class NginxLeakyBucket : IRateLimiter
{
    // limit_req with no burst= keeps burst 0, so any excess refuses.
    private const long Burst = 0;

    private readonly object _gate = new();
    // 5r/s is kept as 5000, as nginx keeps it.
    private readonly long _rate;
    private long _excess;
    private long? _lastMs;

    public NginxLeakyBucket(double rate)
    {
        _rate = (long)(rate * 1000);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_rate, nameof(rate));
    }

    public RateDecision Decide(TimeSpan now)
    {
        // nginx's clock is in whole milliseconds, so the fraction of one the request came in is lost.
        var nowMs = now.Ticks / TimeSpan.TicksPerMillisecond;
        lock (_gate)
        {
            if (_lastMs is not { } last)
            {
                // The first request of a key makes its node, with no excess, and passes.
                _excess = 0;
                _lastMs = nowMs;
                return Decision(true, now);
            }
            // nginx reads a time before the last as no time passed.
            var ms = Math.Max(0, nowMs - last);
            var excess = Math.Max(0, _excess - _rate * ms / 1000 + 1000);
            if (excess > Burst) return Decision(false, now);
            _excess = excess;
            _lastMs = nowMs;
            return Decision(true, now);
        }
    }

    /// <summary>
    /// The next request passes once rate * ms / 1000 has drained the stored excess and its own 1000, measured from the last
    /// accepted request's whole millisecond.
    /// </summary>
    private RateDecision Decision(bool allowed, TimeSpan now)
    {
        var drainMs = CeilingDivide((_excess + 1000 - Burst) * 1000, _rate);
        var passesAt = TimeSpan.FromMilliseconds(_lastMs!.Value + drainMs);
        var wait = passesAt - now;
        return new RateDecision(allowed, 1, TimeSpan.FromMilliseconds(CeilingDivide(1000 * 1000, _rate)), 0, wait, allowed ? TimeSpan.Zero : wait);
    }

    private static long CeilingDivide(long dividend, long divisor) => (dividend + divisor - 1) / divisor;
}
