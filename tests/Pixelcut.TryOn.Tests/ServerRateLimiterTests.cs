using Microsoft.AspNetCore.Http;
using Pixelcut.Sandbox.RateLimiting;

namespace Pixelcut.TryOn.Tests;

/// <summary>The sandbox's server-side limiters, each on a made-up clock at 5 requests per second.</summary>
public class ServerRateLimiterTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public static TheoryData<string> Every() => new(RateLimiterCatalog.Names);

    public static TheoryData<string, int> Strict() => new()
    {
        { "token-bucket", 1 }, { "nginx", 0 }, { "gcra", 0 }, { "sliding-log", 0 }, { "sliding-log-counting-refused", 0 },
    };

    public static TheoryData<string, int> Lenient() => new()
    {
        { "token-bucket", 5 }, { "default", 0 }, { "gcra", 4 }, { "fixed-window", 0 }, { "sliding-window-counter", 0 },
    };

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromTicks((long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond));

    // A strict 5/s client, from 100 ms into a second on: its sends fall between the windows' edges.
    private static IEnumerable<TimeSpan> Steady(int count) => Enumerable.Range(0, count).Select(i => Ms(100 + 200 * i));

    [Theory]
    [MemberData(nameof(Every))]
    public void A_client_at_exactly_the_rate_always_passes(string name)
    {
        var limiter = RateLimiterCatalog.Create(name, 5, 0);
        Assert.All(Steady(50), at => Assert.True(limiter.Decide(at).Allowed, $"{name} refused at {at.TotalMilliseconds} ms"));
    }

    [Theory]
    [MemberData(nameof(Strict))]
    public void A_strict_limiter_refuses_a_request_one_millisecond_early(string name, int burst)
    {
        var limiter = RateLimiterCatalog.Create(name, 5, burst);
        foreach (var at in Steady(5)) Assert.True(limiter.Decide(at).Allowed);
        Assert.False(limiter.Decide(Ms(1099)).Allowed);
    }

    [Theory]
    [MemberData(nameof(Lenient))]
    public void A_lenient_limiter_lets_a_request_one_millisecond_early_pass(string name, int burst)
    {
        var limiter = RateLimiterCatalog.Create(name, 5, burst);
        foreach (var at in Steady(5)) Assert.True(limiter.Decide(at).Allowed);
        Assert.True(limiter.Decide(Ms(1099)).Allowed);
        Assert.True(limiter.Decide(Ms(1300)).Allowed);
    }

    [Theory]
    [InlineData("default", 5, 2)]
    [InlineData("default", 20, 4)]
    [InlineData("token-bucket", 5, 1)]
    [InlineData("token-bucket", 5, 5)]
    [InlineData("gcra", 5, 1)]
    [InlineData("nginx", 5, 1)]
    [InlineData("fixed-window", 5, 5)]
    [InlineData("sliding-log", 5, 5)]
    [InlineData("sliding-window-counter", 5, 5)]
    public void A_burst_at_once_passes_as_far_as_the_limiter_allows(string name, double rate, int passing)
    {
        var burst = name == "token-bucket" ? passing : 0;
        var limiter = RateLimiterCatalog.Create(name, rate, burst);
        var allowed = Enumerable.Range(0, 10).Count(_ => limiter.Decide(Ms(100)).Allowed);
        Assert.Equal(passing, allowed);
    }

    [Fact]
    public void A_fixed_window_allows_its_limit_at_the_start_of_each_window_and_ten_across_an_edge()
    {
        var limiter = new FixedWindow(5, Second);
        Assert.Equal([true, true, true, true, true, false], Enumerable.Range(0, 6).Select(_ => limiter.Decide(Ms(999)).Allowed));
        Assert.Equal([true, true, true, true, true, false], Enumerable.Range(0, 6).Select(_ => limiter.Decide(Ms(1000)).Allowed));
        Assert.Equal(5, Enumerable.Range(0, 6).Count(_ => limiter.Decide(Ms(2000)).Allowed));
    }

    [Fact]
    public void A_sliding_log_counting_refused_requests_keeps_refusing_a_client_that_retries_too_fast()
    {
        var counting = new SlidingLog(5, Second, countRefused: true);
        var plain = new SlidingLog(5, Second, countRefused: false);
        foreach (var limiter in new[] { counting, plain })
            Assert.All(Enumerable.Range(0, 5), _ => Assert.True(limiter.Decide(TimeSpan.Zero).Allowed));
        var retries = Enumerable.Range(1, 30).Select(i => Ms(100 * i)).ToArray();
        Assert.DoesNotContain(retries, at => counting.Decide(at).Allowed);
        Assert.Equal(Ms(1000), retries.First(at => plain.Decide(at).Allowed));
    }

    [Fact]
    public void Nginx_counts_whole_milliseconds_so_199_6_ms_after_is_refused_and_a_refusal_changes_nothing()
    {
        var limiter = new NginxLeakyBucket(5);
        Assert.True(limiter.Decide(TimeSpan.Zero).Allowed);
        var refused = limiter.Decide(Ms(199.6));
        Assert.False(refused.Allowed);
        Assert.Equal(Ms(0.4), refused.RetryAfter);
        Assert.True(limiter.Decide(Ms(200)).Allowed);
    }

    [Fact]
    public void Nginx_lets_a_gap_shorter_than_the_interval_pass_when_it_spans_200_whole_milliseconds()
    {
        var limiter = new NginxLeakyBucket(5);
        Assert.True(limiter.Decide(Ms(0.6)).Allowed);
        var passed = limiter.Decide(Ms(200.4));
        Assert.True(passed.Allowed);
        Assert.Equal(Ms(199.6), passed.ResetAfter);
    }

    [Fact]
    public void Nginx_truncates_its_integer_arithmetic_so_3_per_second_needs_334_ms()
    {
        var limiter = new NginxLeakyBucket(3);
        Assert.True(limiter.Decide(TimeSpan.Zero).Allowed);
        Assert.False(limiter.Decide(Ms(333)).Allowed);
        Assert.True(limiter.Decide(Ms(334)).Allowed);
        Assert.Equal(Ms(334), limiter.Decide(Ms(334)).Window);
    }

    [Fact]
    public void A_sliding_window_counter_counts_all_of_the_previous_window_at_its_edge()
    {
        var limiter = new SlidingWindowCounter(5, Second);
        foreach (var at in Steady(5)) Assert.True(limiter.Decide(at).Allowed);
        var atEdge = limiter.Decide(Ms(1000));
        Assert.False(atEdge.Allowed);
        Assert.Equal(TimeSpan.FromTicks(1), atEdge.RetryAfter);
        // 5 * 0.9 + 0 = 4.5 lets one in, which leaves 5.5.
        var later = limiter.Decide(Ms(1100));
        Assert.Equal(new RateDecision(true, 5, Second, 0, Ms(1900), TimeSpan.Zero), later);
        // 5 * 0.8 + 1 = 5 is the limit again, until the previous window's weight falls by a tick.
        Assert.Equal(TimeSpan.FromTicks(1), limiter.Decide(Ms(1200)).RetryAfter);
        Assert.True(limiter.Decide(Ms(1200) + TimeSpan.FromTicks(1)).Allowed);
    }

    [Fact]
    public void A_token_bucket_reports_its_remaining_tokens_and_the_time_to_fill_it()
    {
        var limiter = new TokenBucket(5, 5);
        Assert.Equal(new RateDecision(true, 5, Second, 4, Ms(200), TimeSpan.Zero), limiter.Decide(TimeSpan.Zero));
        for (var i = 0; i < 4; i++) limiter.Decide(TimeSpan.Zero);
        Assert.Equal(new RateDecision(false, 5, Second, 0, Second, Ms(200)), limiter.Decide(TimeSpan.Zero));
        Assert.Equal(new RateDecision(false, 5, Second, 0, Ms(950), Ms(150)), limiter.Decide(Ms(50)));
    }

    [Fact]
    public void Gcra_reports_what_its_burst_leaves_and_when_a_refused_request_would_pass()
    {
        var limiter = new Gcra(5, 2);
        Assert.Equal(new RateDecision(true, 3, Ms(600), 2, Ms(200), TimeSpan.Zero), limiter.Decide(TimeSpan.Zero));
        limiter.Decide(TimeSpan.Zero);
        limiter.Decide(TimeSpan.Zero);
        Assert.Equal(new RateDecision(false, 3, Ms(600), 0, Ms(570), Ms(170)), limiter.Decide(Ms(30)));
    }

    [Fact]
    public void A_sliding_log_frees_a_place_when_its_oldest_request_leaves_the_window()
    {
        var limiter = new SlidingLog(2, Second, countRefused: false);
        limiter.Decide(Ms(100));
        limiter.Decide(Ms(300));
        Assert.Equal(new RateDecision(false, 2, Second, 0, Ms(900), Ms(700)), limiter.Decide(Ms(400)));
    }

    [Fact]
    public void Each_header_style_writes_the_fixed_windows_state()
    {
        var limiter = new FixedWindow(5, Second);
        var decision = limiter.Decide(Ms(10_250));
        Assert.Equal(new RateDecision(true, 5, Second, 4, Ms(750), TimeSpan.Zero), decision);

        var ietf = Headers(RateLimitHeaders.Ietf, decision);
        Assert.Equal("\"default\";q=5;w=1", ietf["RateLimit-Policy"].ToString());
        Assert.Equal("\"default\";r=4;t=1", ietf["RateLimit"].ToString());
        var legacy = Headers(RateLimitHeaders.XRateLimit, decision);
        Assert.Equal(["5", "4", "1"], new[] { "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset" }.Select(name => legacy[name].ToString()));
        var older = Headers(RateLimitHeaders.RateLimit, decision);
        Assert.Equal(["5", "4", "1"], new[] { "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset" }.Select(name => older[name].ToString()));
        Assert.Empty(Headers(RateLimitHeaders.RetryAfter, decision));
        Assert.Empty(Headers(RateLimitHeaders.None, decision));
    }

    [Fact]
    public void Retry_after_rounds_a_refusals_wait_up_to_whole_seconds_and_a_strict_window_stays_a_fraction()
    {
        var limiter = new NginxLeakyBucket(5);
        limiter.Decide(TimeSpan.Zero);
        var refused = limiter.Decide(Ms(50));
        Assert.Equal("1", Headers(RateLimitHeaders.RetryAfter, refused)["Retry-After"].ToString());
        Assert.Equal("\"default\";q=1;w=0.2", Headers(RateLimitHeaders.Ietf, refused)["RateLimit-Policy"].ToString());
        var slow = new FixedWindow(1, TimeSpan.FromSeconds(3)).Decide(TimeSpan.Zero);
        Assert.Equal("\"default\";r=0;t=3", Headers(RateLimitHeaders.Ietf, slow)["RateLimit"].ToString());
    }

    [Fact]
    public void A_concurrency_refusal_names_its_own_policy_beside_the_rate_only_in_the_ietf_style()
    {
        var decision = new FixedWindow(5, Second).Decide(TimeSpan.Zero);
        var ietf = Headers(RateLimitHeaders.Ietf, decision);
        RateLimitHeaders.WriteConcurrencyRefusal(ietf, RateLimitHeaders.Ietf, 4);
        Assert.Equal(["\"default\";q=5;w=1", "\"concurrency\";q=4;qu=\"concurrent-requests\""], ietf["RateLimit-Policy"].Select(value => value!));
        Assert.Equal(["\"default\";r=4;t=1", "\"concurrency\";r=0"], ietf["RateLimit"].Select(value => value!));
        var retryAfter = new HeaderDictionary();
        RateLimitHeaders.WriteConcurrencyRefusal(retryAfter, RateLimitHeaders.RetryAfter, 4);
        Assert.Empty(retryAfter);
    }

    private static HeaderDictionary Headers(string style, RateDecision decision)
    {
        var headers = new HeaderDictionary();
        RateLimitHeaders.WriteRate(headers, style, decision);
        return headers;
    }
}
