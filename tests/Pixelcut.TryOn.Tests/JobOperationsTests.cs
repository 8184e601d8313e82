using System.Net;

namespace Pixelcut.TryOn.Tests;

/// <summary>What the job endpoints make of their answers: a 409 confirmed by the status, any 2xx to a cancel, a status about another job.</summary>
public class JobOperationsTests
{
    [Fact]
    public async Task A_409_after_a_lost_answer_asks_the_status_and_reports_our_own_cancel()
    {
        var handler = new ScriptedHandler(
            TestRequests.Answer(HttpStatusCode.BadGateway, "<html>"),
            TestRequests.Answer(HttpStatusCode.Conflict, """{"error":"finished","error_code":"job_finished"}"""),
            TestRequests.Answer(HttpStatusCode.OK, """{"job_id":"j","status":"failed","error":{"message":"cancelled","error_code":"job_cancelled"}}"""));
        var requester = TestRequests.Requester(handler, logExchange: true);
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
            TestRequests.Answer(HttpStatusCode.Conflict, """{"error":"finished","error_code":"job_finished"}"""),
            TestRequests.Answer(HttpStatusCode.OK, status));
        var requester = TestRequests.Requester(handler, logExchange: true);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal(ErrorKind.JobFinished, result.Failure!.Kind);
        Assert.Equal(2, handler.Requests);
        Assert.Contains($"has already finished ({ending})", ErrorTable.ToException(result.Failure).Message);
    }

    [Fact]
    public async Task A_409_on_the_first_attempt_that_reads_as_cancelled_is_a_success()
    {
        var handler = new ScriptedHandler(
            TestRequests.Answer(HttpStatusCode.Conflict, """{"error":"finished","error_code":"job_finished"}"""),
            TestRequests.Answer(HttpStatusCode.OK, """{"job_id":"j","status":"failed","error":{"message":"cancelled","error_code":"job_cancelled"}}"""));
        var requester = TestRequests.Requester(handler, logExchange: true);
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
        var requester = TestRequests.Requester(new ScriptedHandler(TestRequests.Answer(status, body)), logExchange: true);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal("Job cancelled", result.Value!.Message);
    }

    [Fact]
    public async Task A_status_about_another_job_is_an_unexpected_response()
    {
        var requester = TestRequests.Requester(new ScriptedHandler(TestRequests.Answer(HttpStatusCode.OK, """{"job_id":"k","status":"pending"}""")), logExchange: true);
        var result = await JobOperations.GetAsync(requester, "j", null, false, CancellationToken.None);
        Assert.Equal(ErrorKind.UnexpectedResponse, result.Failure!.Kind);
        Assert.Contains("about job 'k'", result.Failure.Detail);
    }

    [Fact]
    public async Task A_status_that_is_not_json_is_an_unexpected_response()
    {
        var requester = TestRequests.Requester(new ScriptedHandler(TestRequests.Answer(HttpStatusCode.OK, "{\"status\": \"pend")), logExchange: true);
        var result = await JobOperations.GetAsync(requester, "j", null, false, CancellationToken.None);
        Assert.Equal(ErrorKind.UnexpectedResponse, result.Failure!.Kind);
        Assert.Equal(200, result.Failure.StatusCode);
    }

    [Theory]
    [InlineData("""{"credits_remaining":42}""", 42.0)]
    [InlineData("""{"credits_remaining":"17.5"}""", 17.5)]
    public async Task The_credit_balance_is_read_as_a_number_or_as_a_string_of_one(string body, double credits)
    {
        var requester = TestRequests.Requester(new ScriptedHandler(TestRequests.Answer(HttpStatusCode.OK, body)));
        var result = await JobOperations.GetCreditAsync(requester, CancellationToken.None);
        Assert.Equal((decimal)credits, result.Value!.CreditsRemaining);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, """{"credits":1}""", ErrorKind.UnexpectedResponse)]
    [InlineData(HttpStatusCode.OK, """{"credits_remaining":"many"}""", ErrorKind.UnexpectedResponse)]
    [InlineData(HttpStatusCode.NotFound, """{"error":"Not found","error_code":"route_not_found"}""", ErrorKind.UnexpectedResponse)]
    public async Task A_balance_that_cannot_be_read_is_an_unexpected_response_about_the_balance(HttpStatusCode status, string body, ErrorKind kind)
    {
        var requester = TestRequests.Requester(new ScriptedHandler(TestRequests.Answer(status, body)));
        var result = await JobOperations.GetCreditAsync(requester, CancellationToken.None);
        Assert.Equal(kind, result.Failure!.Kind);
        Assert.Contains("the credit balance", ErrorTable.ToException(result.Failure).Message);
    }
}
