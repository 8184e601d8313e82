using System.Net;

namespace Pixelcut.TryOn.Tests;

/// <summary>The clients every request goes through: one per proxy setting, none of them keeping cookies or following redirects.</summary>
public class HttpClientsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_client_keeps_no_cookies_follows_no_redirects_and_checks_certificates_itself_only_on_net_framework(bool netFramework)
    {
        using var invoker = HttpClients.Create(new ProxySetting(new Uri("http://127.0.0.1:9"), null, false), netFramework);
        var outer = (DelegatingHandler)typeof(HttpMessageInvoker)
            .GetField("_handler", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(invoker)!;
        var handler = (HttpClientHandler)outer.InnerHandler!;
        Assert.False(handler.UseCookies);
        Assert.False(handler.AllowAutoRedirect);
        var check = handler.ServerCertificateCustomValidationCallback;
        if (!netFramework)
        {
            // Here the platform decides alone and names what it refused.
            Assert.Null(check);
            return;
        }
        // With the handler's own callback set, .NET Framework never consults a process-wide ServicePointManager callback.
        Assert.NotNull(check);
        Assert.True(check!(new HttpRequestMessage(), null, null, System.Net.Security.SslPolicyErrors.None));
        Assert.False(check(new HttpRequestMessage(), null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(check(new HttpRequestMessage(), null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Equal_proxy_settings_share_one_client_and_different_ones_never_do()
    {
        var proxy = new Uri("http://proxy.example.test:8080");
        var alice = new ProxySetting(proxy, new NetworkCredential("alice", "one"), false);
        Assert.Same(HttpClients.For(alice), HttpClients.For(new ProxySetting(proxy, new NetworkCredential("alice", "one"), false)));
        Assert.NotSame(HttpClients.For(alice), HttpClients.For(new ProxySetting(proxy, new NetworkCredential("alice", "two"), false)));
        Assert.NotSame(HttpClients.For(alice), HttpClients.For(new ProxySetting(proxy, null, false)));
        Assert.NotSame(HttpClients.For(alice), HttpClients.For(ProxySetting.System));
        Assert.NotSame(HttpClients.For(ProxySetting.System), HttpClients.For(new ProxySetting(null, null, true)));
    }
}
