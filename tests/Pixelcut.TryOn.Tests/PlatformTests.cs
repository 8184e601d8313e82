using System.Net;
using System.Net.Security;

namespace Pixelcut.TryOn.Tests;

/// <summary>
/// Each decision the module takes for Windows PowerShell 5.1 (.NET Framework), on its own: CI runs on Linux,
/// so the decisions are tested here and the platform's side of them is described in the README.
/// </summary>
public class PlatformTests
{
    [Fact]
    public void Tls12_is_added_on_net_framework_when_a_list_without_it_is_set()
    {
        Assert.Equal(SecurityProtocolType.Tls | SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12,
            Platform.WithTls12(SecurityProtocolType.Tls | SecurityProtocolType.Tls11, isNetFramework: true));
    }

    [Theory]
    [InlineData(SecurityProtocolType.Tls12, true)]
    [InlineData(SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13, true)]
    [InlineData((SecurityProtocolType)0, true)]
    [InlineData(SecurityProtocolType.Tls, false)]
    public void Protocols_are_left_alone_when_tls12_is_there_the_os_decides_or_the_runtime_is_not_net_framework(SecurityProtocolType current, bool isNetFramework) =>
        Assert.Null(Platform.WithTls12(current, isNetFramework));

    [Fact]
    public void A_request_whose_path_the_platform_would_change_is_not_sent()
    {
        var root = new Uri("https://api.example.test/");
        // .NET collapses an escaped dot segment, as the legacy Uri of .NET Framework does with %2F.
        var built = "/v1/try-on/job/%2E%2E/cancel";
        var changed = JobPath.ChangedBy(new Uri(root, built.TrimStart('/')), built);
        Assert.NotNull(changed);
        Assert.Contains("nothing was sent", changed);
        Assert.Null(JobPath.ChangedBy(new Uri(root, "v1/try-on/job/a%2Fb/cancel"), "/v1/try-on/job/a%2Fb/cancel"));
    }

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

    [Theory]
    [InlineData(new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", "x" }, true)]
    [InlineData(new[] { "pwsh", "-noni", "-c", "x" }, true)]
    [InlineData(new[] { "powershell.exe", "/NonInteractive", "-File", "run.ps1" }, true)]
    [InlineData(new[] { "pwsh", "-NonI" }, true)]
    [InlineData(new[] { "pwsh", "-NoProfile", "-Command", "x", "-NonInteractive" }, false)]
    [InlineData(new[] { "pwsh", "-File", "run.ps1", "-noni" }, false)]
    [InlineData(new[] { "pwsh", "-non" }, false)]
    [InlineData(new[] { "pwsh", "-NoProfile" }, false)]
    public void NonInteractive_is_read_from_the_process_switches_only(string[] arguments, bool nonInteractive) =>
        Assert.Equal(nonInteractive, HostPrompting.StartedNonInteractive(arguments));

    [Fact]
    public void The_user_agent_names_module_powershell_and_os_and_cannot_break_the_header()
    {
        Assert.Equal("Pixelcut.TryOn/0.1.0 PowerShell/7.6.9 (Debian GNU/Linux 12 _bookworm_)",
            UserAgent.For("0.1.0", "7.6.9", "Debian GNU/Linux 12 (bookworm)"));
        var hostile = UserAgent.For("1.0\r\nX: y", "5.1", "Windows\r\nX-Injected: 1 é");
        Assert.DoesNotContain('\r', hostile);
        Assert.DoesNotContain('\n', hostile);
        Assert.All(hostile, c => Assert.InRange(c, ' ', '~'));
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

    [Fact]
    public void An_explicit_proxy_is_never_bypassed_not_even_for_loopback()
    {
        var proxy = new ExplicitProxy(new Uri("http://proxy.example.test:8080"), null);
        Assert.False(proxy.IsBypassed(new Uri("http://127.0.0.1:5000/")));
        Assert.False(proxy.IsBypassed(new Uri("http://localhost:5000/")));
        Assert.Equal(new Uri("http://proxy.example.test:8080"), proxy.GetProxy(new Uri("http://localhost:5000/")));
    }

    [Theory]
    [InlineData(false, false, false, "7.6.9", "OwnStream")]
    [InlineData(true, false, true, "7.6.9", "OwnStream")]
    [InlineData(true, true, false, "7.6.9", "OwnStream")]
    [InlineData(true, false, false, "7.6.9", "DebugStream")]
    [InlineData(true, false, false, "6.2", "DebugStream")]
    [InlineData(true, false, false, "5.1.19041.1", "Host")]
    [InlineData(true, false, true, "5.1.19041.1", "OwnStream")]
    public void Under_Debug_a_line_goes_where_nothing_asks_when_the_host_cannot(bool debugFlag, bool ownPreferenceGiven, bool canPrompt,
        string powerShellVersion, string route) =>
        Assert.Equal(Enum.Parse<CommandOutput.Route>(route), CommandOutput.RouteFor(debugFlag, ownPreferenceGiven, canPrompt, Version.Parse(powerShellVersion)));

    [Fact]
    public async Task The_request_path_refuses_a_path_the_platform_changed_and_sends_nothing()
    {
        var handler = new CountingHandler();
        var http = TestRequests.Api(handler);
        var attempt = await http.SendAsync(HttpMethod.Post, "x", "v1/try-on/job/%2E%2E/cancel", TimeSpan.FromSeconds(5), _ => { }, null, CancellationToken.None);
        Assert.Equal(ErrorKind.InvalidJobId, attempt.Failure!.Kind);
        Assert.False(attempt.MayHaveReachedServer);
        Assert.Equal(0, handler.Requests);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
