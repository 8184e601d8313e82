namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>The limiters the RateLimiter setting names, each built for a rate per second and the RateLimitBurst setting.</summary>
public static class RateLimiterCatalog
{
    public const string Default = "default";

    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, Func<double, double, IRateLimiter>> Limiters = new(StringComparer.Ordinal)
    {
        // A fifth of a second's worth of requests may come at once, as real rate limiters allow some burst, and never
        // fewer than two. With room for one only, a client that keeps exactly to 5/s is refused whenever its timer
        // fires a few milliseconds early (measured here: gaps of 196 to 205 ms at 200 ms), which a one-second window,
        // the usual way a "5 per second" limit is kept, would not do.
        [Default] = (rate, _) => new TokenBucket(rate, Math.Max(2, rate / 5)),
        ["token-bucket"] = (rate, burst) => new TokenBucket(rate, Math.Max(1, burst)),
        ["nginx"] = (rate, _) => new NginxLeakyBucket(rate),
        ["gcra"] = (rate, burst) => new Gcra(rate, burst),
        ["fixed-window"] = (rate, _) => new FixedWindow(WindowLimit(rate), Window(rate)),
        ["sliding-log"] = (rate, _) => new SlidingLog(WindowLimit(rate), Window(rate), countRefused: false),
        ["sliding-log-counting-refused"] = (rate, _) => new SlidingLog(WindowLimit(rate), Window(rate), countRefused: true),
        ["sliding-window-counter"] = (rate, _) => new SlidingWindowCounter(WindowLimit(rate), Window(rate)),
    };

    public static IEnumerable<string> Names => Limiters.Keys;

    public static bool Knows(string name) => Limiters.ContainsKey(name);

    /// <summary>The limiter named, for rate requests per second; burst is token-bucket's capacity (at least 1) and gcra's burst.</summary>
    public static IRateLimiter Create(string name, double rate, double burst) => Limiters[name](rate, burst);

    // The windows count whole requests: a rate of 1 or more per second is counted per second (rounded), a slower one
    // as one request per 1/rate seconds.
    private static int WindowLimit(double rate) => rate >= 1 ? (int)Math.Round(rate) : 1;

    private static TimeSpan Window(double rate) => rate >= 1 ? OneSecond : TimeSpan.FromSeconds(1 / rate);
}
