using System.Net;

namespace Pixelcut.TryOn.Tests;

/// <summary>The retry loop's arithmetic with scripted answers and a fake clock; the wire itself is tested against the stand-in.</summary>
public class JobRequesterTests
{
    private static readonly Func<HttpResponseMessage> Throttled = TestRequests.Answer((HttpStatusCode)429, """{"error":"Too many requests","error_code":"rate_limit_exceeded"}""");
    private static readonly Func<HttpResponseMessage> Cancelled = TestRequests.Answer(HttpStatusCode.OK, """{"message":"Job cancelled"}""");

    private static (JobRequester Requester, FakeClock Clock, RequestPacer Pacer) Create(ScriptedHandler handler, int maxRetries = 5)
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(1000, clock);
        return (TestRequests.Requester(handler, clock, pacer, maxRetries: maxRetries, jitter: 0.5, logExchange: true), clock, pacer);
    }

    [Fact]
    public async Task Backs_off_exponentially_between_attempts_and_counts_throttled_retries()
    {
        var handler = new ScriptedHandler(Throttled, TestRequests.Answer(HttpStatusCode.InternalServerError, "oops"), Throttled, Cancelled);
        var (requester, clock, pacer) = Create(handler);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);

        Assert.Equal("Job cancelled", result.Value!.Message);
        Assert.Equal(4, handler.Requests);
        Assert.Equal(new[] { 125.0, 250.0, 500.0 }, clock.Delays.Where(d => d.TotalMilliseconds >= 100).Select(d => d.TotalMilliseconds));
        Assert.Equal(2, requester.ThrottledCount);
        Assert.Contains(result.Trace, line => !line.IsDebug && line.Text == "429 rate_limit_exceeded, retrying in 0.1 s, attempt 2 of 6");
        Assert.True(pacer.Interval > TimeSpan.FromMilliseconds(1), "a 429 nothing explains slows the pace");
    }

    [Fact]
    public async Task Honours_retry_after()
    {
        var handler = new ScriptedHandler(TestRequests.Answer((HttpStatusCode)429, "{}", TimeSpan.FromSeconds(7)), Cancelled);
        var (requester, clock, _) = Create(handler);
        await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Contains(TimeSpan.FromSeconds(7), clock.Delays);
    }

    [Fact]
    public async Task Gives_up_with_the_last_failure_and_the_attempt_count()
    {
        var handler = new ScriptedHandler(Throttled, Throttled, Throttled);
        var (requester, _, _) = Create(handler, maxRetries: 2);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal(ErrorKind.RateLimitExceeded, result.Failure!.Kind);
        Assert.Equal(3, result.Failure.Attempts);
        Assert.Equal(3, handler.Requests);
    }

    [Fact]
    public async Task After_a_rejected_key_no_further_request_is_sent()
    {
        var handler = new ScriptedHandler(TestRequests.Answer(HttpStatusCode.Unauthorized, """{"error":"API Token not found","error_code":"invalid_auth_token"}"""));
        var (requester, _, _) = Create(handler);
        var first = await JobOperations.CancelAsync(requester, "a", null, CancellationToken.None);
        var second = await JobOperations.CancelAsync(requester, "b", null, CancellationToken.None);
        Assert.Equal(ErrorKind.InvalidAuthToken, first.Failure!.Kind);
        Assert.Equal(ErrorKind.InvalidAuthToken, second.Failure!.Kind);
        Assert.Equal("b", second.Failure.JobId);
        Assert.Equal(0, second.Failure.Attempts);
        Assert.Equal(1, handler.Requests);
    }
}
