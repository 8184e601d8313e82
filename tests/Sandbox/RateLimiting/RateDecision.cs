namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// What a limiter made of one request, and what its headers can tell of it. Limit is how many requests it allows at once
/// from rest, and Window the time it takes to grant them again from none. Remaining is how many more it would allow right
/// now; ResetAfter how long, with no more requests, until it allows Limit again (a window's end, a bucket's refill);
/// RetryAfter, for a refusal, how long until the same request would pass, and zero when allowed.
/// </summary>
public readonly record struct RateDecision(
    bool Allowed, int Limit, TimeSpan Window, int Remaining, TimeSpan ResetAfter, TimeSpan RetryAfter);
