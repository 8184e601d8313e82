namespace Pixelcut.Sandbox;

/// <summary>How the stand-in API behaves; every value can be changed later through /_sandbox/settings.</summary>
public sealed class SandboxOptions
{
    public const string DefaultApiKey = "sk_sandbox_valid";
    public const string DefaultNoCreditsKey = "sk_sandbox_no_credits";

    public int Port { get; set; }
    public string ApiKey { get; set; } = DefaultApiKey;
    public string NoCreditsKey { get; set; } = DefaultNoCreditsKey;

    /// <summary>
    /// The valid key, and any key that extends it with "-" and a suffix: the same account seen through another key,
    /// so a test can start with a client whose pacing and concurrency have learned nothing yet.
    /// </summary>
    public bool Accepts(string key) => key == ApiKey || key.StartsWith(ApiKey + "-", StringComparison.Ordinal);

    /// <summary>Added to every API answer.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Requests per second the account may make before 429; 0 for no limit.</summary>
    public double RateLimit { get; set; }

    /// <summary>
    /// How the rate is kept, one of <see cref="RateLimiting.RateLimiterCatalog.Names"/>; the default is a token bucket with
    /// room for a fifth of a second's requests, and at least two.
    /// </summary>
    public string RateLimiter { get; set; } = RateLimiting.RateLimiterCatalog.Default;

    /// <summary>token-bucket's capacity (below 1, 1: no burst) and gcra's burst (0: none); the other limiters take none.</summary>
    public double RateLimitBurst { get; set; }

    /// <summary>The rate limit headers API answers carry, one of <see cref="RateLimiting.RateLimitHeaders.Styles"/>.</summary>
    public string RateLimitHeaders { get; set; } = RateLimiting.RateLimitHeaders.None;

    /// <summary>API requests the account may have in flight at once before 429; 0 for no limit.</summary>
    public int ConcurrencyLimit { get; set; }

    /// <summary>Every API answer sets a session cookie, as gateways in front of an API do.</summary>
    public bool SetCookies { get; set; }

    /// <summary>
    /// "user:password" that requests sent to the sandbox as a forward proxy must carry as Basic proxy credentials, or are
    /// answered 407; null or empty for a proxy that asks for none. Requests sent straight to the API are not affected.
    /// </summary>
    public string? ProxyCredential { get; set; }

    /// <summary>How long a result_url the sandbox hands out stays valid, as a signed link from the result host does.</summary>
    public int ResultUrlValiditySeconds { get; set; } = 3600;

    /// <summary>The status of a submit's answer with its job id: 202, or 200, which the API documents for the endpoint.</summary>
    public int SubmitStatus { get; set; } = 202;

    /// <summary>How long a submitted job stays pending, and then running, before it is completed.</summary>
    public int SubmitPendingMs { get; set; } = 100;
    public int SubmitRunningMs { get; set; } = 200;

    /// <summary>GET /v1/credits answers credits_remaining as a string, as the API's schema has it, rather than the number of its example.</summary>
    public bool CreditsAsString { get; set; }

    /// <summary>
    /// Submit faults drawn at random, evenly, for SubmitFaultShare (0 to 1) of the submits with none scripted, from a
    /// generator seeded with SubmitFaultSeed.
    /// </summary>
    public string[] SubmitFaultMix { get; set; } = [];
    public double SubmitFaultShare { get; set; }
    public int SubmitFaultSeed { get; set; }

    public static SandboxOptions FromArgs(string[] args)
    {
        var options = new SandboxOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--port": options.Port = int.Parse(value); break;
                case "--api-key": options.ApiKey = value; break;
                case "--latency-ms": options.LatencyMs = int.Parse(value); break;
                case "--rate-limit": options.RateLimit = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Options: --port, --api-key, --latency-ms, --rate-limit.");
            }
        }
        return options;
    }
}
