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
