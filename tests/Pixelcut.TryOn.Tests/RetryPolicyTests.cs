
namespace Pixelcut.TryOn.Tests;

public class RetryPolicyTests
{
    private static Failure Answer(int status, ErrorKind? kind = null) =>
        new(kind ?? ErrorTable.Classify(status), "j", status);

    [Theory]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(501, false)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public void Only_throttling_and_transient_server_errors_are_retried(int status, bool retried) =>
        Assert.Equal(retried, RetryPolicy.IsRetryable(Answer(status)));

    [Theory]
    [InlineData(ErrorKind.ConnectionFailed)]
    [InlineData(ErrorKind.RequestTimedOut)]
    public void Failures_without_an_answer_are_retried(ErrorKind kind) =>
        Assert.True(RetryPolicy.IsRetryable(new Failure(kind, "j")));

    [Theory]
    [InlineData(1, 250)]
    [InlineData(2, 500)]
    [InlineData(3, 1000)]
    [InlineData(5, 4000)]
    [InlineData(6, 5000)]
    [InlineData(12, 5000)]
    public void Backoff_doubles_from_250_ms_and_is_capped_at_5_s(int attempt, int ceilingMs)
    {
        var highest = new RetryPolicy(20, () => 0.999999).Decide(attempt, Answer(500), null).Delay!.Value;
        var lowest = new RetryPolicy(20, () => 0).Decide(attempt, Answer(500), null).Delay!.Value;
        Assert.InRange(highest.TotalMilliseconds, ceilingMs * 0.999, ceilingMs);
        Assert.Equal(TimeSpan.Zero, lowest);
    }

    [Fact]
    public void Jitter_spreads_the_wait_over_the_whole_range()
    {
        var delay = new RetryPolicy(5, () => 0.5).Decide(3, Answer(429), null).Delay!.Value;
        Assert.Equal(500, delay.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void Retry_after_wins_over_backoff_up_to_60_s()
    {
        var policy = new RetryPolicy(5, () => 0.5);
        Assert.Equal(TimeSpan.FromSeconds(7), policy.Decide(1, Answer(429), TimeSpan.FromSeconds(7)).Delay);
        Assert.Equal(TimeSpan.FromSeconds(60), policy.Decide(1, Answer(503), TimeSpan.FromSeconds(60)).Delay);
        var tooLong = policy.Decide(1, Answer(429), TimeSpan.FromSeconds(61));
        Assert.Null(tooLong.Delay);
        Assert.Contains("61 s", tooLong.Reason);
    }

    [Fact]
    public void Retries_stop_after_max_retry_count()
    {
        var policy = new RetryPolicy(2, () => 0.5);
        Assert.NotNull(policy.Decide(1, Answer(429), null).Delay);
        Assert.NotNull(policy.Decide(2, Answer(429), null).Delay);
        Assert.Null(policy.Decide(3, Answer(429), null).Delay);
        Assert.Null(new RetryPolicy(0, () => 0.5).Decide(1, Answer(429), null).Delay);
    }
}
