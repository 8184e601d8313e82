using System.Net;

namespace Pixelcut.TryOn.Tests;

/// <summary>What a submit's answers mean, and which failed attempts may be sent again: only those that prove no job was made.</summary>
public sealed class JobSubmissionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory();

    public void Dispose() => _folder.Delete(recursive: true);

    private static Submission Links() =>
        new(ImageInput.FromLink("https://img.test/p.jpg?sig=grant")!.Value.Image!, ImageInput.FromLink("https://img.test/g.jpg")!.Value.Image!, "Upper", true);

    [Theory]
    [InlineData(429, ErrorKind.RateLimitExceeded)]
    [InlineData(500, ErrorKind.ServerError)]
    [InlineData(503, ErrorKind.ServerError)]
    [InlineData(400, ErrorKind.InvalidRequest)]
    [InlineData(413, ErrorKind.InvalidRequest)]
    [InlineData(502, ErrorKind.SubmitOutcomeUnknown)]
    [InlineData(504, ErrorKind.SubmitOutcomeUnknown)]
    [InlineData(501, ErrorKind.SubmitOutcomeUnknown)]
    [InlineData(404, ErrorKind.UnexpectedResponse)]
    [InlineData(401, ErrorKind.InvalidAuthToken)]
    public void An_answer_is_judged_by_whether_it_proves_no_job_was_made(int status, ErrorKind judged) =>
        Assert.Equal(judged, ErrorTable.JudgeSubmit(new Failure(ErrorTable.Classify(status), null, status), mayHaveReachedServer: status >= 500).Kind);

    [Theory]
    [InlineData(ErrorKind.ConnectionFailed, false, ErrorKind.ConnectionFailed)]
    [InlineData(ErrorKind.RequestTimedOut, false, ErrorKind.RequestTimedOut)]
    [InlineData(ErrorKind.ConnectionFailed, true, ErrorKind.SubmitOutcomeUnknown)]
    [InlineData(ErrorKind.RequestTimedOut, true, ErrorKind.SubmitOutcomeUnknown)]
    [InlineData(ErrorKind.UnexpectedResponse, true, ErrorKind.SubmitOutcomeUnknown)]
    [InlineData(ErrorKind.CertificateRejected, false, ErrorKind.CertificateRejected)]
    public void No_answer_may_be_retried_only_when_the_body_never_went_out(ErrorKind kind, bool bodyWentOut, ErrorKind judged) =>
        Assert.Equal(judged, ErrorTable.JudgeSubmit(new Failure(kind, null), bodyWentOut).Kind);

    [Fact]
    public void An_unknown_outcome_is_a_timeout_for_a_timeout_or_a_504_and_a_connection_error_else()
    {
        var timedOut = ErrorTable.JudgeSubmit(new Failure(ErrorKind.RequestTimedOut, null, cause: new TaskCanceledException()), true);
        Assert.Equal(System.Management.Automation.ErrorCategory.OperationTimeout, ErrorRecords.For(timedOut).CategoryInfo.Category);
        var gateway = ErrorTable.JudgeSubmit(new Failure(ErrorKind.ServerError, null, 504), true);
        Assert.Equal(System.Management.Automation.ErrorCategory.OperationTimeout, ErrorRecords.For(gateway).CategoryInfo.Category);
        var reset = ErrorTable.JudgeSubmit(new Failure(ErrorKind.ConnectionFailed, null, cause: new IOException()), true);
        Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, ErrorRecords.For(reset).CategoryInfo.Category);
    }

    [Fact]
    public async Task A_job_id_answer_is_the_job_with_what_was_submitted()
    {
        var requester = TestRequests.Requester(new ScriptedHandler(TestRequests.Answer(HttpStatusCode.Accepted, """{"job_id":"j-1"}""")));
        var result = await JobSubmission.SubmitAsync(requester, Links(), null, null, CancellationToken.None);
        Assert.Equal("j-1", result.Value!.JobId);
        Assert.Equal(JobStatus.Pending, result.Value.Status);
        Assert.Equal("https://img.test/p.jpg", result.Value.PersonImage);
        Assert.Equal("Upper", result.Value.GarmentMode);
        Assert.Equal(1, result.Value.Attempts);
    }

    [Theory]
    [InlineData("""{"result_url":"https://assets.test/r.jpg?sig=1"}""", ErrorKind.ResultWithoutJobId)]
    [InlineData("""{"message":"ok"}""", ErrorKind.SubmitOutcomeUnknown)]
    [InlineData("""{"output":"https://assets.test/r.jpg?sig=secret"}""", ErrorKind.SubmitOutcomeUnknown)]
    [InlineData("not json", ErrorKind.SubmitOutcomeUnknown)]
    [InlineData("""{"job_id":""}""", ErrorKind.SubmitOutcomeUnknown)]
    public async Task A_2xx_without_a_job_id_is_never_a_success_and_keeps_a_result_link(string body, ErrorKind kind)
    {
        var handler = new ScriptedHandler(TestRequests.Answer(HttpStatusCode.OK, body));
        var result = await JobSubmission.SubmitAsync(TestRequests.Requester(handler), Links(), null, null, CancellationToken.None);
        Assert.Null(result.Value);
        Assert.Equal(kind, result.Failure!.Kind);
        Assert.Null(result.Failure.JobId);
        Assert.Contains("person image 'https://img.test/p.jpg' with garment image 'https://img.test/g.jpg'", ErrorTable.ToException(result.Failure).Message);
        if (kind == ErrorKind.ResultWithoutJobId) Assert.Equal("https://assets.test/r.jpg?sig=1", ErrorTable.ToException(result.Failure).ResultUrl);
        Assert.DoesNotContain("sig=", ErrorTable.ToException(result.Failure).Message);
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task A_dropped_answer_after_the_body_went_out_is_not_sent_again()
    {
        var handler = ScriptedHandler.Always(async (request, _) =>
        {
            await request.Content!.CopyToAsync(Stream.Null);
            throw new HttpRequestException("The response ended prematurely.");
        });
        var result = await JobSubmission.SubmitAsync(TestRequests.Requester(handler), Links(), null, null, CancellationToken.None);
        Assert.Equal(ErrorKind.SubmitOutcomeUnknown, result.Failure!.Kind);
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task A_refused_connection_is_sent_again_until_it_goes_through()
    {
        var attempts = 0;
        var handler = ScriptedHandler.Always((_, _) => ++attempts < 3
            ? throw new HttpRequestException("Connection refused")
            : Task.FromResult(TestRequests.Answer(HttpStatusCode.Accepted, """{"job_id":"j-2"}""")()));
        var result = await JobSubmission.SubmitAsync(TestRequests.Requester(handler), Links(), null, null, CancellationToken.None);
        Assert.Equal("j-2", result.Value!.JobId);
        Assert.Equal(3, result.Value.Attempts);
    }

    [Fact]
    public async Task A_link_beside_a_file_goes_as_its_url_part_and_two_links_as_json()
    {
        var path = Path.Combine(_folder.FullName, "p.png");
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 2, 0, 0, 0]);
        var withFile = new Submission(ImageInput.FromFile(path).Image!, ImageInput.FromLink("https://img.test/g.jpg")!.Value.Image!, "Auto", false);
        using var multipart = JobSubmission.Body(withFile, null);
        Assert.Equal("multipart/form-data", multipart.Headers.ContentType!.MediaType);
        var text = await multipart.ReadAsStringAsync();
        Assert.Contains("name=garment_image_url", text);
        Assert.Contains("name=person_image; filename=p.png", text);
        Assert.DoesNotContain("name=person_image_url", text);
        using var json = JobSubmission.Body(Links(), null);
        Assert.Equal("application/json", json.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("http://img.test/p.jpg", "plain http:// link to another machine")]
    [InlineData("http://127.0.0.1:5000/p.jpg", null)]
    [InlineData("https://img.test/p.jpg", null)]
    public void A_plain_http_link_is_taken_only_to_this_machine(string given, string? problem)
    {
        var read = ImageInput.FromLink(given)!.Value;
        if (problem == null) Assert.NotNull(read.Image);
        else Assert.Contains(problem, read.Problem);
    }

    [Fact]
    public async Task A_link_goes_to_the_api_exactly_as_given()
    {
        var sent = new List<string>();
        var handler = ScriptedHandler.Always(async (request, _) =>
        {
            sent.Add(await request.Content!.ReadAsStringAsync());
            return TestRequests.Answer(HttpStatusCode.Accepted, """{"job_id":"j"}""")();
        });
        var signed = "https://img.test/a/../p.jpg?X-Amz-Signature=a%2Fb&t=1";
        var submission = new Submission(ImageInput.FromLink(signed)!.Value.Image!, ImageInput.FromLink("https://img.test/g.jpg")!.Value.Image!, "Auto", true);
        await JobSubmission.SubmitAsync(TestRequests.Requester(handler), submission, null, null, CancellationToken.None);
        Assert.Contains("\"person_image_url\":\"https://img.test/a/../p.jpg?X-Amz-Signature=a%2Fb&t=1\"", sent.Single());
    }

    [Fact]
    public void A_text_that_is_no_http_link_is_left_to_be_read_as_a_path() =>
        Assert.Null(ImageInput.FromLink("/home/me/model.jpg"));
}
