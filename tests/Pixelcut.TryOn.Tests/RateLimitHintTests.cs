namespace Pixelcut.TryOn.Tests;

/// <summary>What rate-limit headers say about a 429: a limit on requests in flight, or a window and when it resets.</summary>
public class RateLimitHintTests
{
    private static RateLimitHint? Of(params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage((System.Net.HttpStatusCode)429);
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return RateLimitHint.Of(response.Headers, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    }

    [Fact]
    public void No_headers_say_nothing() => Assert.Null(Of());

    [Fact]
    public void The_drafts_policy_for_concurrent_requests_refusing_says_concurrency()
    {
        var hint = Of(("RateLimit-Policy", "\"default\";q=5;w=1, \"concurrency\";q=3;qu=\"concurrent-requests\""),
            ("RateLimit", "\"default\";r=2;t=1, \"concurrency\";r=0"))!;
        Assert.True(hint.Concurrency);
        Assert.Equal(2, hint.Remaining);
    }

    [Fact]
    public void The_drafts_exhausted_window_says_how_long_until_it_resets()
    {
        var hint = Of(("RateLimit-Policy", "\"default\";q=5;w=1"), ("RateLimit", "\"default\";r=0;t=3"))!;
        Assert.False(hint.Concurrency);
        Assert.Equal(0, hint.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(3), hint.ResetAfter);
    }

    [Theory]
    [InlineData("X-RateLimit-Remaining", "X-RateLimit-Reset", "2", 2.0)]
    [InlineData("RateLimit-Remaining", "RateLimit-Reset", "0.5", 0.5)]
    [InlineData("X-RateLimit-Remaining", "X-RateLimit-Reset", "1800000004", 4.0)]
    public void The_older_pairs_give_remaining_and_reset_in_seconds_or_as_a_unix_time(string remaining, string reset, string value, double seconds)
    {
        var hint = Of((remaining, "0"), (reset, value))!;
        Assert.Equal(0, hint.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(seconds), hint.ResetAfter);
        Assert.False(hint.Concurrency);
    }

    [Fact]
    public void Values_that_are_no_numbers_are_left_out()
    {
        var hint = Of(("X-RateLimit-Remaining", "many"), ("X-RateLimit-Reset", "soon"))!;
        Assert.Null(hint.Remaining);
        Assert.Null(hint.ResetAfter);
        Assert.Null(Of(("RateLimit-Remaining", "0"), ("RateLimit-Reset", "NaN"))!.ResetAfter);
        Assert.Equal(RateLimitHint.MostHeld, Of(("RateLimit-Remaining", "0"), ("RateLimit-Reset", "86400"))!.ResetAfter);
    }
}
