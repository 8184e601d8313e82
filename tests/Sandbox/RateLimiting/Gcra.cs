namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// The generic cell rate algorithm, as redis-cell and many API gateways keep a rate: a theoretical arrival time (TAT)
/// that each accepted request moves on by the emission interval T = 1/rate, and a request refused when it comes more than
/// the tolerance tau = burst * T before the TAT. Burst 0 allows no two requests closer than T.
/// </summary>
public sealed class Gcra : IRateLimiter
{
    private readonly object _gate = new();
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly int _limit;
    private long _theoreticalArrival;

    public Gcra(double rate, double burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        _interval = (long)Math.Round(TimeSpan.TicksPerSecond / rate);
        _tolerance = (long)Math.Round(burst * _interval);
        _limit = (int)Math.Floor(burst) + 1;
    }

    public RateDecision Decide(TimeSpan now)
    {
        var at = now.Ticks;
        lock (_gate)
        {
            var arrival = Math.Max(_theoreticalArrival, at);
            var allowed = arrival - at <= _tolerance;
            if (allowed) _theoreticalArrival = arrival + _interval;
            var ahead = Math.Max(_theoreticalArrival, at) - at;
            // Each further request at once moves the TAT on by T, and passes while the TAT stays within tau of now.
            var remaining = ahead > _tolerance ? 0 : (int)((_tolerance - ahead) / _interval) + 1;
            return new RateDecision(
                allowed, _limit, TimeSpan.FromTicks(_limit * _interval), remaining, TimeSpan.FromTicks(ahead),
                allowed ? TimeSpan.Zero : TimeSpan.FromTicks(arrival - _tolerance - at));
        }
    }
}
