using System.Management.Automation;

namespace Pixelcut.TryOn.Tests;

public class ErrorTableTests
{
    [Theory]
    [InlineData(401, """{"error":"API Token not found","error_code":"invalid_auth_token"}""", "InvalidAuthToken", ErrorCategory.AuthenticationError, typeof(PixelcutAuthenticationException), true)]
    [InlineData(403, """{"error":"No credits","error_code":"insufficient_api_credits"}""", "InsufficientCredits", ErrorCategory.QuotaExceeded, typeof(PixelcutApiException), true)]
    [InlineData(404, """{"error":"Job not found","error_code":"not_found"}""", "JobNotFound", ErrorCategory.ObjectNotFound, typeof(PixelcutJobNotFoundException), false)]
    [InlineData(409, """{"error":"Job has already finished","error_code":"job_finished"}""", "JobFinished", ErrorCategory.InvalidOperation, typeof(PixelcutJobFinishedException), false)]
    [InlineData(429, """{"error":"Too many requests","error_code":"rate_limit_exceeded"}""", "RateLimitExceeded", ErrorCategory.LimitsExceeded, typeof(PixelcutRateLimitException), false)]
    [InlineData(500, "Internal service error", "ServerError", ErrorCategory.ResourceUnavailable, typeof(PixelcutServerException), false)]
    [InlineData(502, "<html>Bad gateway</html>", "ServerError", ErrorCategory.ResourceUnavailable, typeof(PixelcutServerException), false)]
    [InlineData(400, """{"error":"Bad","error_code":"invalid_parameter"}""", "UnexpectedResponse", ErrorCategory.InvalidResult, typeof(PixelcutApiException), false)]
    [InlineData(302, "", "UnexpectedResponse", ErrorCategory.InvalidResult, typeof(PixelcutApiException), false)]
    [InlineData(403, "<html><h1>403 Forbidden</h1></html>", "AccessDenied", ErrorCategory.PermissionDenied, typeof(PixelcutAuthenticationException), true)]
    [InlineData(403, """{"error":"Blocked","error_code":"ip_not_allowed"}""", "AccessDenied", ErrorCategory.PermissionDenied, typeof(PixelcutAuthenticationException), true)]
    [InlineData(407, "<html>Proxy login</html>", "ProxyAuthenticationRequired", ErrorCategory.AuthenticationError, typeof(PixelcutConnectionException), true)]
    public void Each_answer_maps_to_its_row(int status, string body, string errorId, ErrorCategory category, Type exceptionType, bool terminating)
    {
        var failure = PixelcutHttp.Interpret("job-1", status, body, null, null, DateTime.UtcNow).Failure!;
        var rule = ErrorTable.For(failure.Kind);
        var exception = ErrorTable.ToException(failure);

        Assert.Equal(errorId, failure.Kind.ToString());
        Assert.Equal(category, rule.CategoryOf(failure));
        Assert.Equal(terminating, rule.Terminating);
        Assert.Equal(exceptionType, exception.GetType());
        Assert.Equal(errorId, exception.ErrorId);
        Assert.Equal(status, exception.StatusCode);
        Assert.Equal("job-1", exception.JobId);
        Assert.False(string.IsNullOrWhiteSpace(rule.RecommendedAction));
    }

    [Fact]
    public void The_server_text_and_code_reach_the_message()
    {
        var failure = PixelcutHttp.Interpret("job-1", 404, """{"error":"Job not found","error_code":"not_found"}""", null, null, DateTime.UtcNow).Failure!;
        var exception = ErrorTable.ToException(failure);
        Assert.Equal("not_found", exception.ErrorCode);
        Assert.Contains("job-1", exception.Message);
        Assert.Contains("Job not found", exception.Message);
    }

    [Fact]
    public void A_body_that_is_not_json_is_quoted_on_one_line()
    {
        var failure = PixelcutHttp.Interpret("j", 502, "<html>\r\n<h1>Bad gateway</h1>\n</html>", null, null, DateTime.UtcNow).Failure!;
        Assert.Equal("'<html>  <h1>Bad gateway</h1> </html>'", failure.Detail);
    }

    [Fact]
    public void Every_kind_has_a_rule_with_a_recommended_action()
    {
        foreach (ErrorKind kind in Enum.GetValues(typeof(ErrorKind)))
        {
            var rule = ErrorTable.For(kind);
            Assert.False(string.IsNullOrWhiteSpace(rule.RecommendedAction));
            var exception = ErrorTable.ToException(new Failure(kind, "j", detail: "d"));
            Assert.Equal(kind.ToString(), exception.ErrorId);
            Assert.IsAssignableFrom<PixelcutApiException>(exception);
        }
    }

    [Fact]
    public void Control_characters_in_an_id_are_shown_escaped() =>
        Assert.Equal("a\\u001b[31mb", SafeText.Printable("a\u001b[31mb"));

    [Fact]
    public void Connection_failures_keep_the_inner_exception()
    {
        var inner = new HttpRequestException("refused");
        var exception = ErrorTable.ToException(new Failure(ErrorKind.ConnectionFailed, "j", detail: "refused", cause: inner));
        Assert.IsType<PixelcutConnectionException>(exception);
        Assert.Same(inner, exception.InnerException);
    }

    [Theory]
    [InlineData(403, ErrorKind.ResultExpired)]
    [InlineData(404, ErrorKind.ResultExpired)]
    [InlineData(407, ErrorKind.ProxyAuthenticationRequired)]
    [InlineData(429, ErrorKind.RateLimitExceeded)]
    [InlineData(500, ErrorKind.ServerError)]
    [InlineData(503, ErrorKind.ServerError)]
    [InlineData(600, ErrorKind.ServerError)]
    [InlineData(400, ErrorKind.DownloadFailed)]
    [InlineData(410, ErrorKind.DownloadFailed)]
    public void A_result_host_refusal_is_classified_in_the_table(int status, ErrorKind kind) =>
        Assert.Equal(kind, ErrorTable.ClassifyDownload(status));
}

