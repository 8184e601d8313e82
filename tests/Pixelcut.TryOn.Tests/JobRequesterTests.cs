using System.Net;
using Pixelcut.TryOn.Api;
using Pixelcut.TryOn.Resilience;

namespace Pixelcut.TryOn.Tests;

/// <summary>The retry loop's arithmetic with scripted answers and a fake clock; the wire itself is tested against the stand-in.</summary>
public class JobRequesterTests
{
    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        private readonly Queue<Func<HttpResponseMessage>> _answers = new(answers);
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(_answers.Dequeue()());
        }
    }

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
        var http = new PixelcutHttp(new Uri("https://api.example.test"), ApiKey.FromPlainText("sk_test"), new HttpMessageInvoker(handler));
        return (new JobRequester(http, new RetryPolicy(maxRetries, () => 0.5), pacer, clock, TimeSpan.FromSeconds(30)), clock, pacer);
    }

    [Fact]
    public async Task Backs_off_exponentially_between_attempts_and_counts_throttled_retries()
    {
        var handler = new ScriptedHandler(Throttled, Answer(HttpStatusCode.InternalServerError, "oops"), Throttled, Cancelled);
        var (requester, clock, pacer) = Create(handler);
        var result = await JobOperations.CancelAsync(requester, "j", CancellationToken.None);

        Assert.Equal("Job cancelled", result.Value!.Message);
        Assert.Equal(4, handler.Requests);
        Assert.Equal(new[] { 125.0, 250.0, 500.0 }, clock.Delays.Where(d => d.TotalMilliseconds >= 100).Select(d => d.TotalMilliseconds));
        Assert.Equal(2, requester.ThrottledCount);
        Assert.Contains(result.Trace, line => line == "429 rate_limit_exceeded, retrying in 0.1 s, attempt 2 of 6");
        Assert.True(pacer.Slowdown > 1);
    }

    [Fact]
    public async Task Honours_retry_after()
    {
        var handler = new ScriptedHandler(Answer((HttpStatusCode)429, "{}", TimeSpan.FromSeconds(7)), Cancelled);
        var (requester, clock, _) = Create(handler);
        await JobOperations.CancelAsync(requester, "j", CancellationToken.None);
        Assert.Contains(TimeSpan.FromSeconds(7), clock.Delays);
    }

    [Fact]
    public async Task Gives_up_with_the_last_failure_and_the_attempt_count()
    {
        var handler = new ScriptedHandler(Throttled, Throttled, Throttled);
        var (requester, _, _) = Create(handler, maxRetries: 2);
        var result = await JobOperations.CancelAsync(requester, "j", CancellationToken.None);
        Assert.Equal(ErrorKind.RateLimitExceeded, result.Failure!.Kind);
        Assert.Equal(3, result.Failure.Attempts);
        Assert.Equal(3, handler.Requests);
    }

    [Fact]
    public async Task After_a_rejected_key_no_further_request_is_sent()
    {
        var handler = new ScriptedHandler(Answer(HttpStatusCode.Unauthorized, """{"error":"API Token not found","error_code":"invalid_auth_token"}"""));
        var (requester, _, _) = Create(handler);
        var first = await JobOperations.CancelAsync(requester, "a", CancellationToken.None);
        var second = await JobOperations.CancelAsync(requester, "b", CancellationToken.None);
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
        var result = await JobOperations.CancelAsync(requester, "j", CancellationToken.None);
        Assert.NotNull(result.Value);
        Assert.Equal(3, handler.Requests);
    }

    [Fact]
    public async Task A_409_without_an_earlier_attempt_is_not_second_guessed()
    {
        var handler = new ScriptedHandler(Answer(HttpStatusCode.Conflict, """{"error":"finished","error_code":"job_finished"}"""));
        var (requester, _, _) = Create(handler);
        var result = await JobOperations.CancelAsync(requester, "j", CancellationToken.None);
        Assert.Equal(ErrorKind.JobFinished, result.Failure!.Kind);
        Assert.Equal(1, handler.Requests);
    }
}
