using System.Management.Automation;
using System.Net.Security;
using System.Security.Authentication;

namespace Pixelcut.TryOn.Tests;

public class CertificatesTests
{
    private static readonly Uri Api = new("https://api.example.test/v1/try-on/job/j");

    // As .NET 10 on Linux raises them (seen against nginx and openssl s_server with a test CA).
    private static HttpRequestException Refused(string reason) =>
        new(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", new AuthenticationException(reason));

    [Theory]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: PartialChain", "it is not trusted (its chain does not lead to a certificate authority this machine trusts)")]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", "it is not trusted (it was issued by a certificate authority this machine does not trust)")]
    [InlineData("The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch", "its name does not match 'api.example.test', the name asked for")]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: NotTimeValid", "it has expired or is not yet valid")]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: Revoked", "it was revoked")]
    [InlineData("The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch, RemoteCertificateChainErrors",
        "its name does not match 'api.example.test', the name asked for")]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: ExplicitDistrust", "it is not trusted (this machine distrusts it explicitly)")]
    [InlineData("The remote certificate is invalid because of errors in the certificate chain: HasWeakSignature",
        "the platform said: The remote certificate is invalid because of errors in the certificate chain: HasWeakSignature")]
    public void A_refused_certificate_is_CertificateRejected_naming_the_host_and_the_reason_in_words(string message, string words)
    {
        var failure = TransportFault.NoAnswer("j", Refused(message), TimeSpan.FromSeconds(30), new HttpRequestMessage(HttpMethod.Get, Api));
        Assert.Equal(ErrorKind.CertificateRejected, failure.Kind);
        Assert.Equal($"the certificate of api.example.test was refused: {words}", failure.Detail);
        Assert.False(RetryPolicy.IsRetryable(failure));
        var rule = ErrorTable.For(failure.Kind);
        Assert.True(rule.Terminating);
        Assert.Equal(ErrorCategory.SecurityError, rule.CategoryOf(failure));
        Assert.IsType<PixelcutConnectionException>(ErrorTable.ToException(failure));
    }

    [Fact]
    public void Every_name_said_is_told_once()
    {
        var failure = TransportFault.Describe("j", Refused("The remote certificate is invalid because of errors in the certificate chain: NotTimeValid, UntrustedRoot"),
            new HttpRequestMessage(HttpMethod.Get, Api));
        Assert.Equal("the certificate of api.example.test was refused: it is not trusted (it was issued by a certificate authority this machine does not trust); " +
            "it has expired or is not yet valid", failure.Detail);
    }

    [Theory]
    [InlineData("proxy.corp.test", "the certificate of the proxy proxy.corp.test was refused: its name does not match 'proxy.corp.test', the proxy's name")]
    [InlineData(null, "the certificate of the system's proxy (HTTPS_PROXY or the system settings) was refused: its name does not match the proxy's name")]
    public void A_refusal_while_the_tunnel_through_an_https_proxy_opens_names_the_proxy(string? proxyHost, string detail)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api);
        Certificates.NameProxy(request, proxyHost);
        var failure = TransportFault.Describe("j", RaisedWhileOpeningTheTunnel(), request);
        Assert.Equal(ErrorKind.CertificateRejected, failure.Kind);
        Assert.Equal(detail, failure.Detail);
    }

    [Fact]
    public void A_refusal_after_the_tunnel_opened_names_the_server_even_through_a_proxy()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api);
        Certificates.NameProxy(request, "proxy.corp.test");
        var failure = TransportFault.Describe("j", Refused("The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch"), request);
        Assert.StartsWith("the certificate of api.example.test was refused", failure.Detail);
    }

    // .NET's frame while it opens the tunnel through an https proxy, where the proxy's own handshake runs (seen through real squid).
    private static HttpRequestException RaisedWhileOpeningTheTunnel()
    {
        try
        {
            EstablishProxyTunnelAsync();
        }
        catch (HttpRequestException e)
        {
            return e;
        }
        throw new InvalidOperationException("unreachable");

        static void EstablishProxyTunnelAsync() =>
            throw Refused("The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch");
    }

    [Fact]
    public void A_tls_failure_that_is_not_about_the_certificate_stays_a_connection_failure()
    {
        var failure = TransportFault.Describe("j", Refused("Authentication failed because the remote party sent a TLS alert: 'ProtocolVersion'."),
            new HttpRequestMessage(HttpMethod.Get, Api));
        Assert.Equal(ErrorKind.ConnectionFailed, failure.Kind);
    }

    [Fact]
    public void The_net_framework_check_accepts_only_a_faultless_certificate_and_records_what_it_refused()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api);
        Assert.True(Certificates.Check(request, null, SslPolicyErrors.None));
        Assert.False(Certificates.Check(request, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        // .NET Framework's own message names nothing; what the callback recorded does.
        var failure = TransportFault.Describe("j",
            new HttpRequestException("An error occurred while sending the request.", new AuthenticationException("The remote certificate is invalid according to the validation procedure.")),
            request);
        Assert.Equal(ErrorKind.CertificateRejected, failure.Kind);
        Assert.Contains("its name does not match 'api.example.test'", failure.Detail);
        Assert.False(Certificates.Check(null, null, SslPolicyErrors.RemoteCertificateChainErrors), "a refusal without a request to record it on is still a refusal");
    }

    [Fact]
    public void The_advice_points_at_the_trust_store_and_never_at_turning_validation_off()
    {
        var action = ErrorTable.For(ErrorKind.CertificateRejected).RecommendedAction;
        Assert.Contains("root certificate", action);
        Assert.Contains("SSL_CERT_FILE", action);
        Assert.DoesNotContain("Skip", action, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("disable", action, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("off", action, StringComparison.OrdinalIgnoreCase);
    }
}
