namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// A bucket of <c>capacity</c> tokens, refilled at <c>rate</c> per second and full at the start; a request takes one.
/// Capacity 1 allows no burst at all; capacity = rate allows a second's worth at once.
/// </summary>
public sealed class TokenBucket : IRateLimiter
{
    private readonly object _gate = new();
    private readonly double _rate;
    private readonly double _capacity;
    private double _tokens;
    private TimeSpan _last;

    public TokenBucket(double rate, double capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        // A bucket that cannot hold one whole token would refuse everything, which no server means by a rate.
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _rate = rate;
        _capacity = capacity;
        _tokens = capacity;
    }

    public RateDecision Decide(TimeSpan now)
    {
        lock (_gate)
        {
            // Requests that read the clock at once may take the lock out of order; time never runs back for the bucket.
            if (now > _last)
            {
                _tokens = Math.Min(_capacity, _tokens + (now - _last).TotalSeconds * _rate);
                _last = now;
            }
            var allowed = _tokens >= 1;
            if (allowed) _tokens -= 1;
            return new RateDecision(
                allowed, (int)_capacity, Seconds(_capacity / _rate), (int)Math.Floor(_tokens), Seconds((_capacity - _tokens) / _rate),
                allowed ? TimeSpan.Zero : Seconds((1 - _tokens) / _rate));
        }
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
}
