namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// A server-side rate limit, as one of the common algorithms keeps it. The caller passes the time of each request, so the
/// same limiter runs on the sandbox's clock and on a test's made-up one. Implementations lock, as requests come in at once.
/// </summary>
public interface IRateLimiter
{
    /// <summary>Decides one request arriving at <paramref name="now"/>; a refused request changes the state only where the algorithm says so.</summary>
    RateDecision Decide(TimeSpan now);
}
