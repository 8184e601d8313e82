using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Pixelcut.Sandbox.RateLimiting;

/// <summary>
/// The header styles the RateLimitHeaders setting names, as servers in the wild send them. The documented API sends none.
/// Times are whole seconds, rounded up, as each style writes them.
/// </summary>
public static class RateLimitHeaders
{
    public const string None = "none";
    public const string Ietf = "ietf";
    public const string XRateLimit = "x-ratelimit";
    public const string RateLimit = "ratelimit";
    public const string RetryAfter = "retry-after";

    public static readonly string[] Styles = [None, Ietf, XRateLimit, RateLimit, RetryAfter];

    private const string RatePolicy = "\"default\"";
    private const string ConcurrencyPolicy = "\"concurrency\"";

    /// <summary>What the style says of a rate decision: the limit's state on every answer, or Retry-After on a refusal.</summary>
    public static void WriteRate(IHeaderDictionary headers, string style, RateDecision decision)
    {
        switch (style)
        {
            case Ietf:
                // The newer draft (draft-ietf-httpapi-ratelimit-headers-08 on): a policy, and the state of it.
                headers.Append("RateLimit-Policy", $"{RatePolicy};q={decision.Limit};w={Decimal(decision.Window.TotalSeconds)}");
                headers.Append("RateLimit", $"{RatePolicy};r={decision.Remaining};t={WholeSeconds(decision.ResetAfter)}");
                break;
            case XRateLimit:
                WriteTriple(headers, "X-RateLimit-", decision);
                break;
            case RateLimit:
                // The older draft's three fields (draft-ietf-httpapi-ratelimit-headers up to -06).
                WriteTriple(headers, "RateLimit-", decision);
                break;
            case RetryAfter when !decision.Allowed:
                headers.RetryAfter = WholeSeconds(decision.RetryAfter);
                break;
        }
    }

    /// <summary>
    /// A concurrency refusal in the ietf style, beside the rate's policy: the draft's quota unit for requests in flight. It
    /// has no time to reset, and no other style has a way to say it, so they say nothing: the cap cannot know when a request
    /// in flight will end.
    /// </summary>
    public static void WriteConcurrencyRefusal(IHeaderDictionary headers, string style, int limit)
    {
        if (style != Ietf) return;
        headers.Append("RateLimit-Policy", $"{ConcurrencyPolicy};q={limit};qu=\"concurrent-requests\"");
        headers.Append("RateLimit", $"{ConcurrencyPolicy};r=0");
    }

    private static void WriteTriple(IHeaderDictionary headers, string prefix, RateDecision decision)
    {
        headers[prefix + "Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers[prefix + "Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[prefix + "Reset"] = WholeSeconds(decision.ResetAfter);
    }

    private static string WholeSeconds(TimeSpan span) =>
        ((span.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture);

    // The draft asks for whole seconds, but a strict limiter's window is a fraction of one, which rounding would misstate.
    private static string Decimal(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
