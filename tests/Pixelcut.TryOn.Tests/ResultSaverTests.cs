using System.Management.Automation;

namespace Pixelcut.TryOn.Tests;

/// <summary>What a save decides without a network: which record spares a status read, which links are fetched, and how each failure reads.</summary>
public sealed class ResultSaverTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory();

    public void Dispose() => _folder.Delete(recursive: true);

    private static readonly DateTime Now = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static TryOnJob Job(string status, DateTime retrievedAt, string? resultUrl = "https://assets.example.test/a.jpg",
        string? errorCode = null, string? errorMessage = null) =>
        new("a", status, resultUrl, errorCode, errorMessage, retrievedAt, "req-1");

    [Fact]
    public void A_completed_record_spares_the_status_read_until_a_minute_before_its_link_expires()
    {
        Assert.True(ResultSaver.IsUsable(Job("Completed", Now), Now));
        Assert.True(ResultSaver.IsUsable(Job("Completed", Now.AddMinutes(-58.9)), Now));
        Assert.False(ResultSaver.IsUsable(Job("Completed", Now.AddMinutes(-59)), Now));
        Assert.False(ResultSaver.IsUsable(Job("Completed", Now.AddHours(-2)), Now));
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("Running")]
    [InlineData("Failed")]
    [InlineData("queued_for_gpu")]
    public void Only_a_completed_record_with_a_link_spares_the_status_read(string status)
    {
        Assert.False(ResultSaver.IsUsable(Job(status, Now), Now));
        Assert.False(ResultSaver.IsUsable(Job("Completed", Now, resultUrl: null), Now));
        Assert.False(ResultSaver.IsUsable(null, Now));
    }

    [Fact]
    public void A_job_that_is_not_completed_is_named_with_its_status_and_a_failed_one_with_its_error()
    {
        var pending = ResultSaver.NotCompleted(Job("Pending", Now, resultUrl: null));
        Assert.Equal(ErrorKind.JobNotCompleted, pending.Kind);
        Assert.Equal("Job 'a' has no result to save: it is Pending.", ErrorTable.ToException(pending).Message);

        var failed = ResultSaver.NotCompleted(Job("Failed", Now, null, "content_filter_error", "Job processing failed"));
        var exception = ErrorTable.ToException(failed);
        Assert.Equal("Job 'a' has no result to save: it is Failed (content_filter_error: Job processing failed).", exception.Message);
        Assert.Equal("content_filter_error", exception.ErrorCode);
        Assert.Equal("req-1", exception.RequestId);
    }

    private static readonly Dictionary<string, Func<Failure>> Cases = new()
    {
        ["no answer at all"] = () => new Failure(ErrorKind.DownloadFailed, "a", detail: "refused", cause: new HttpRequestException("refused")),
        ["a body cut short"] = () => ResultSaver.Final(new Failure(ErrorKind.ConnectionFailed, "a", detail: "cut", cause: new IOException("cut")), 6),
        ["a timeout"] = () => ResultSaver.Final(new Failure(ErrorKind.RequestTimedOut, "a", detail: "slow", cause: new TaskCanceledException()), 6),
        ["a 503 after retries"] = () => ResultSaver.Final(new Failure(ErrorKind.ServerError, "a", 503, detail: "busy"), 6),
        ["a 429 after retries"] = () => ResultSaver.Final(new Failure(ErrorKind.RateLimitExceeded, "a", 429, detail: "slow down"), 6),
        ["a redirect"] = () => new Failure(ErrorKind.DownloadFailed, "a", 302, detail: "redirected"),
        ["a sign-in page"] = () => new Failure(ErrorKind.DownloadFailed, "a", 200, detail: "html"),
        ["a link not fetched"] = () => new Failure(ErrorKind.DownloadFailed, "a", detail: "plain http", attempts: 0),
        ["a file not written"] = () => new Failure(ErrorKind.DownloadFailed, "a", 200, detail: "disk full", cause: new IOException("disk full")),
        ["a link refused twice"] = () => ResultSaver.Final(new Failure(ErrorKind.ResultExpired, "a", 403, detail: "expired"), 2),
    };

    [Theory]
    [InlineData("no answer at all", ErrorCategory.ConnectionError)]
    [InlineData("a body cut short", ErrorCategory.ConnectionError)]
    [InlineData("a timeout", ErrorCategory.ConnectionError)]
    [InlineData("a 503 after retries", ErrorCategory.ConnectionError)]
    [InlineData("a 429 after retries", ErrorCategory.ConnectionError)]
    [InlineData("a redirect", ErrorCategory.InvalidResult)]
    [InlineData("a sign-in page", ErrorCategory.InvalidResult)]
    [InlineData("a link not fetched", ErrorCategory.InvalidResult)]
    [InlineData("a file not written", ErrorCategory.WriteError)]
    [InlineData("a link refused twice", ErrorCategory.ResourceUnavailable)]
    public void Each_download_failure_has_its_category(string what, ErrorCategory category)
    {
        var record = ErrorRecords.For(Cases[what]());
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Equal("a", record.TargetObject);
        Assert.False(string.IsNullOrWhiteSpace(record.ErrorDetails.RecommendedAction));
    }

    [Fact]
    public void A_failure_the_retry_rule_judged_becomes_DownloadFailed_keeping_its_facts()
    {
        var cause = new IOException("reset");
        var final = ResultSaver.Final(new Failure(ErrorKind.ConnectionFailed, "a", 0, null, "reset", 1, cause, "req-9"), 3);
        Assert.Equal(ErrorKind.DownloadFailed, final.Kind);
        Assert.Equal(3, final.Attempts);
        Assert.Same(cause, final.Cause);
        Assert.Equal("req-9", final.RequestId);
        Assert.Equal("The result of job 'a' could not be downloaded after 3 attempt(s): reset.", ErrorTable.ToException(final).Message);
        Assert.Same(cause, ErrorTable.ToException(final).InnerException);

        Assert.Equal(ErrorKind.ResultExpired, ResultSaver.Final(new Failure(ErrorKind.ResultExpired, "a", 403), 2).Kind);
        Assert.Equal(ErrorKind.ProxyAuthenticationRequired, ResultSaver.Final(new Failure(ErrorKind.ProxyAuthenticationRequired, "a", 407), 1).Kind);
    }

    [Fact]
    public void A_link_never_fetched_says_so_without_counting_attempts() =>
        Assert.Equal("The result of job 'a' could not be downloaded: the result link is bad.",
            ErrorTable.ToException(new Failure(ErrorKind.DownloadFailed, "a", detail: "the result link is bad", attempts: 0)).Message);

    private static Func<HttpResponseMessage> Status(string link) => () =>
        new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent($$"""{"job_id":"a","status":"completed","result_url":"{{link}}"}""") };

    private static Func<HttpResponseMessage> Refused() => () =>
        new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden) { Content = new StringContent("<Error><Code>AccessDenied</Code></Error>") };

    private static Func<HttpResponseMessage> Picture() => () =>
        new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]) };

    private static (ResultSaver Saver, JobRequester Requester) Create(ScriptedHandler api, ScriptedHandler resultHost) =>
        (new ResultSaver(new ResultDownload(TestRequests.Exchange(resultHost)), new DownloadGate(new CircuitBreaker(new FakeClock())), replace: false),
         TestRequests.Requester(api));

    [Fact(Timeout = 20000)]
    public async Task A_refused_link_is_read_again_once_and_the_fresh_link_saves_the_picture()
    {
        var api = new ScriptedHandler(Status("https://assets.example.test/a.jpg?v=1"), Status("https://assets.example.test/a.jpg?v=2"));
        var resultHost = new ScriptedHandler(Refused(), Picture());
        var (saver, requester) = Create(api, resultHost);
        var path = Path.Combine(_folder.FullName, "a.jpg");

        var saved = await saver.SaveAsync(requester, "a", path, null, null, CancellationToken.None);

        Assert.Null(saved.Failure);
        Assert.Equal(7, saved.Value!.Length);
        Assert.Equal(new[] { "?v=1", "?v=2" }, resultHost.Asked.Select(link => link.Query));
        Assert.Equal(2, api.Requests);
        Assert.Equal(4, saved.Attempts);
    }

    [Fact(Timeout = 20000)]
    public async Task A_link_refused_again_after_the_fresh_read_is_ResultExpired_and_leaves_no_file()
    {
        var api = new ScriptedHandler(Status("https://assets.example.test/a.jpg?v=1"), Status("https://assets.example.test/a.jpg?v=2"));
        var resultHost = new ScriptedHandler(Refused(), Refused());
        var (saver, requester) = Create(api, resultHost);
        var folder = _folder.FullName;

        var saved = await saver.SaveAsync(requester, "a", Path.Combine(folder, "a.jpg"), null, null, CancellationToken.None);

        Assert.Equal(ErrorKind.ResultExpired, saved.Failure!.Kind);
        Assert.Equal(403, saved.Failure.StatusCode);
        Assert.Equal(2, api.Requests);
        Assert.Equal(2, resultHost.Requests);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }
}
