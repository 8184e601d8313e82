using System.Net;

namespace Pixelcut.TryOn.Tests;

/// <summary>The retry loop's arithmetic with scripted answers and a fake clock; the wire itself is tested against the stand-in.</summary>
public class JobRequesterTests
{
    private static Func<HttpResponseMessage> Answer(HttpStatusCode status, string body, TimeSpan? retryAfter = null) => () =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
        if (retryAfter.HasValue) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter.Value);
        return response;
    };

    private static readonly Func<HttpResponseMessage> Throttled = Answer((HttpStatusCode)429, """{"error":"Too many requests","error_code":"rate_limit_exceeded"}""");
    private static readonly Func<HttpResponseMessage> Cancelled = Answer(HttpStatusCode.OK, """{"message":"Job cancelled"}""");

    private static (JobRequester Requester, FakeClock Clock, RequestPacer Pacer) Create(ScriptedHandler handler, int maxRetries = 5)
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(1000, clock);
        return (TestRequests.Requester(handler, clock, pacer, maxRetries: maxRetries, jitter: 0.5, logExchange: true), clock, pacer);
    }

    [Fact]
    public async Task Backs_off_exponentially_between_attempts_and_counts_throttled_retries()
    {
        var handler = new ScriptedHandler(Throttled, Answer(HttpStatusCode.InternalServerError, "oops"), Throttled, Cancelled);
        var (requester, clock, pacer) = Create(handler);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);

        Assert.Equal("Job cancelled", result.Value!.Message);
        Assert.Equal(4, handler.Requests);
        Assert.Equal(new[] { 125.0, 250.0, 500.0 }, clock.Delays.Where(d => d.TotalMilliseconds >= 100).Select(d => d.TotalMilliseconds));
        Assert.Equal(2, requester.ThrottledCount);
        Assert.Contains(result.Trace, line => !line.IsDebug && line.Text == "429 rate_limit_exceeded, retrying in 0.1 s, attempt 2 of 6");
        Assert.True(pacer.Slowdown > 1);
    }

    [Fact]
    public async Task Honours_retry_after()
    {
        var handler = new ScriptedHandler(Answer((HttpStatusCode)429, "{}", TimeSpan.FromSeconds(7)), Cancelled);
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
        var handler = new ScriptedHandler(Answer(HttpStatusCode.Unauthorized, """{"error":"API Token not found","error_code":"invalid_auth_token"}"""));
        var (requester, _, _) = Create(handler);
        var first = await JobOperations.CancelAsync(requester, "a", null, CancellationToken.None);
        var second = await JobOperations.CancelAsync(requester, "b", null, CancellationToken.None);
        Assert.Equal(ErrorKind.InvalidAuthToken, first.Failure!.Kind);
        Assert.Equal(ErrorKind.InvalidAuthToken, second.Failure!.Kind);
        Assert.Equal("b", second.Failure.JobId);
        Assert.Equal(0, second.Failure.Attempts);
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task A_409_after_a_lost_answer_asks_the_status_and_reports_our_own_cancel()
    {
        var handler = new ScriptedHandler(
            Answer(HttpStatusCode.BadGateway, "<html>"),
            Answer(HttpStatusCode.Conflict, """{"error":"finished","error_code":"job_finished"}"""),
            Answer(HttpStatusCode.OK, """{"job_id":"j","status":"failed","error":{"message":"cancelled","error_code":"job_cancelled"}}"""));
        var (requester, _, _) = Create(handler);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.NotNull(result.Value);
        Assert.Equal(3, handler.Requests);
    }

    [Theory]
    [InlineData("""{"job_id":"j","status":"completed","result_url":"https://assets.example.test/j.jpg"}""", "completed")]
    [InlineData("""{"job_id":"j","status":"failed","error":{"message":"filtered","error_code":"content_filter_error"}}""", "failed with content_filter_error")]
    public async Task Every_409_is_checked_and_names_how_the_job_ended(string status, string ending)
    {
        var handler = new ScriptedHandler(
            Answer(HttpStatusCode.Conflict, """{"error":"finished","error_code":"job_finished"}"""),
            Answer(HttpStatusCode.OK, status));
        var (requester, _, _) = Create(handler);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal(ErrorKind.JobFinished, result.Failure!.Kind);
        Assert.Equal(2, handler.Requests);
        Assert.Contains($"has already finished ({ending})", ErrorTable.ToException(result.Failure).Message);
    }

    [Fact]
    public async Task A_409_on_the_first_attempt_that_reads_as_cancelled_is_a_success()
    {
        var handler = new ScriptedHandler(
            Answer(HttpStatusCode.Conflict, """{"error":"finished","error_code":"job_finished"}"""),
            Answer(HttpStatusCode.OK, """{"job_id":"j","status":"failed","error":{"message":"cancelled","error_code":"job_cancelled"}}"""));
        var (requester, _, _) = Create(handler);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal("Job cancelled", result.Value!.Message);
        Assert.Null(result.Failure);
    }

    [Theory]
    [InlineData(HttpStatusCode.NoContent, "")]
    [InlineData(HttpStatusCode.OK, "")]
    [InlineData(HttpStatusCode.OK, "{}")]
    [InlineData(HttpStatusCode.Accepted, """{"message":""}""")]
    [InlineData(HttpStatusCode.OK, "{\"message\": \"Job canc")]
    public async Task Any_2xx_to_a_cancel_is_a_success(HttpStatusCode status, string body)
    {
        var (requester, _, _) = Create(new ScriptedHandler(Answer(status, body)));
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal("Job cancelled", result.Value!.Message);
    }

    [Fact]
    public async Task A_status_about_another_job_is_an_unexpected_response()
    {
        var (requester, _, _) = Create(new ScriptedHandler(Answer(HttpStatusCode.OK, """{"job_id":"k","status":"pending"}""")));
        var result = await JobOperations.GetAsync(requester, "j", null, false, CancellationToken.None);
        Assert.Equal(ErrorKind.UnexpectedResponse, result.Failure!.Kind);
        Assert.Contains("about job 'k'", result.Failure.Detail);
    }

    [Fact]
    public async Task A_status_that_is_not_json_is_an_unexpected_response()
    {
        var (requester, _, _) = Create(new ScriptedHandler(Answer(HttpStatusCode.OK, "{\"status\": \"pend")));
        var result = await JobOperations.GetAsync(requester, "j", null, false, CancellationToken.None);
        Assert.Equal(ErrorKind.UnexpectedResponse, result.Failure!.Kind);
        Assert.Equal(200, result.Failure.StatusCode);
    }

    [Fact]
    public async Task An_exception_while_reading_the_body_is_that_jobs_failure()
    {
        var handler = new ScriptedHandler(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ThrowingContent() });
        var (requester, _, _) = Create(handler, maxRetries: 0);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal(ErrorKind.UnexpectedResponse, result.Failure!.Kind);
        Assert.True(result.MayHaveReachedServer);
    }

    private sealed class ThrowingContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            throw new InvalidOperationException("The character set provided in ContentType is invalid.");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task The_servers_request_id_reaches_the_failure_and_the_verbose_line()
    {
        var handler = new ScriptedHandler(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"error":"Job not found","error_code":"not_found"}""") };
            response.Headers.TryAddWithoutValidation("cf-ray", "ray-2");
            response.Headers.TryAddWithoutValidation("x-request-id", "req-\u001b1");
            return response;
        });
        var (requester, _, _) = Create(handler);
        var result = await JobOperations.GetAsync(requester, "j", null, false, CancellationToken.None);
        Assert.Equal("req-\\u001b1", result.Failure!.RequestId);
        Assert.Equal("req-\\u001b1", ErrorTable.ToException(result.Failure).RequestId);
        Assert.Contains(result.Trace, line => !line.IsDebug && line.Text.EndsWith("request id req-\\u001b1)"));
    }

    [Fact]
    public async Task The_exchange_log_shows_headers_without_the_key()
    {
        var (requester, _, _) = Create(new ScriptedHandler(Cancelled));
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        var exchange = result.Trace.Where(line => line.IsDebug).Select(line => line.Text).ToList();
        Assert.Contains(exchange, line => line.StartsWith("HTTP request: POST https://api.example.test/v1/try-on/job/j/cancel") && line.Contains("X-API-KEY: ***"));
        Assert.DoesNotContain(exchange, line => line.Contains("sk_test"));
        Assert.Contains(exchange, line => line.StartsWith("HTTP answer: 200 OK in ") && line.Contains("body: '{\"message\":\"Job cancelled\"}'"));
    }
}
