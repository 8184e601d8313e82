using System.Net;

namespace Pixelcut.TryOn.Tests;

public class TransportFaultTests
{
    [Fact]
    public void A_proxy_that_refuses_the_tunnel_with_407_is_ProxyAuthenticationRequired()
    {
        var refused = new HttpRequestException(HttpRequestError.ProxyTunnelError,
            "The proxy tunnel request to proxy 'http://proxy:8080/' failed with status code '407'.", statusCode: HttpStatusCode.ProxyAuthenticationRequired);
        var failure = TransportFault.Describe("j", refused);
        Assert.Equal(ErrorKind.ProxyAuthenticationRequired, failure.Kind);
        Assert.Equal(407, failure.StatusCode);
        Assert.True(ErrorTable.For(failure.Kind).Terminating);
    }

    [Fact]
    public void A_refused_tunnel_without_a_status_code_is_read_from_the_message()
    {
        var refused = new HttpRequestException("The proxy tunnel request to proxy 'http://proxy:8080/' failed with status code '407'.\"");
        Assert.Equal(ErrorKind.ProxyAuthenticationRequired, TransportFault.Describe("j", refused).Kind);
    }

    [Fact]
    public void An_answer_that_is_not_http_is_an_unexpected_response_with_a_printable_cause()
    {
        var invalid = new HttpRequestException(HttpRequestError.InvalidResponse, "Received an invalid status line: 'HTTP/1.1 2x0 \u001b[2J'.");
        var failure = TransportFault.Describe("j", invalid);
        Assert.Equal(ErrorKind.UnexpectedResponse, failure.Kind);
        Assert.DoesNotContain('\u001b', failure.Detail!);
        Assert.DoesNotContain('\u001b', failure.Cause!.Message);
    }

    [Fact]
    public void A_refused_connection_is_ConnectionFailed_and_keeps_its_exception()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new System.Net.Sockets.SocketException(111));
        var failure = TransportFault.Describe("j", refused);
        Assert.Equal(ErrorKind.ConnectionFailed, failure.Kind);
        Assert.Same(refused, failure.Cause);
    }
}

public class JobIdRefusalTests
{
    [Fact]
    public void A_refusal_reads_back_as_its_failure()
    {
        var failure = JobIdRefusal.Read(JobIdRefusal.NotText("1234", "its Id property is a number (Int32), not text"))!;
        Assert.Equal(ErrorKind.InvalidJobId, failure.Kind);
        Assert.Equal("1234", failure.JobId);
        Assert.StartsWith("its Id property is a number", failure.Detail);

        var missing = JobIdRefusal.Read(JobIdRefusal.NoJobId(new[] { "Name", "Size" }))!;
        Assert.Equal(ErrorKind.InputWithoutJobId, missing.Kind);
        Assert.Null(missing.JobId);
        Assert.Equal("it has Name, Size", missing.Detail);
    }

    [Theory]
    [InlineData("\0refused\0")]
    [InlineData("\0refused\0InputWithoutJobId\0x")]
    [InlineData("\0not-text\0x")]
    [InlineData("\0")]
    public void A_user_string_that_starts_with_nul_is_an_invalid_job_id(string given)
    {
        var failure = JobIdRefusal.Read(JobIdRefusal.Checked(given))!;
        Assert.Equal(ErrorKind.InvalidJobId, failure.Kind);
        Assert.Equal("it contains a control character", failure.Detail);
    }

    [Fact]
    public void An_ordinary_id_is_not_a_refusal() => Assert.Null(JobIdRefusal.Read(JobIdRefusal.Checked("6ba7b810")));
}
