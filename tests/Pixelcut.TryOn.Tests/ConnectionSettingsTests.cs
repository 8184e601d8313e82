namespace Pixelcut.TryOn.Tests;

/// <summary>Where the settings come from, resolved without a runspace: values, or the failures that refuse them.</summary>
public class ConnectionSettingsTests
{
    [Theory]
    [InlineData("https://api.example.test", null)]
    [InlineData("http://127.0.0.1:5000", null)]
    [InlineData("http://localhost:5000", null)]
    [InlineData("http://api.example.test", ErrorKind.InsecureBaseUri)]
    [InlineData("https://user:secret@api.example.test", ErrorKind.InvalidSetting)]
    public void A_base_uri_is_refused_when_it_would_send_the_key_in_clear_text_or_carries_credentials(string uri, ErrorKind? refusal)
    {
        var resolved = ConnectionSettings.CheckedBaseUri(new Uri(uri));
        Assert.Equal(refusal, resolved.Failure?.Kind);
        if (refusal == null) Assert.Equal(new Uri(uri), resolved.Value);
        else Assert.DoesNotContain("secret", resolved.Failure!.Detail ?? "");
    }

    [Fact]
    public void A_key_given_wins_over_the_sessions_and_says_where_it_came_from()
    {
        var given = new System.Security.SecureString();
        foreach (var c in "sk_given") given.AppendChar(c);
        var resolved = ConnectionSettings.ResolveApiKey(given, ApiKey.FromPlainText("sk_session"));
        Assert.Equal("-ApiKey", resolved.Value.Source);
        Assert.Equal("sk_given", resolved.Value.Key.Reveal());
        Assert.Equal("Connect-Pixelcut", ConnectionSettings.ResolveApiKey(null, ApiKey.FromPlainText("sk_session")).Value.Source);
    }

    [Theory]
    [InlineData("", ErrorKind.ApiKeyMissing)]
    [InlineData("sk_a\u0001b", ErrorKind.ApiKeyMalformed)]
    public void A_key_that_cannot_be_sent_is_refused_without_quoting_it(string key, ErrorKind refusal)
    {
        var resolved = ConnectionSettings.CheckedKey(key, "-ApiKey");
        Assert.Equal(refusal, resolved.Failure!.Kind);
        Assert.DoesNotContain("sk_a", resolved.Failure.Detail ?? "");
    }

    [Theory]
    [InlineData("ftp://proxy.example.test", "not an absolute http:// or https:// address")]
    [InlineData("http://user:pw@proxy.example.test:3128", "carries a user name or password")]
    public void A_proxy_address_that_cannot_be_used_is_refused(string proxy, string says) =>
        Assert.Contains(says, ConnectionSettings.GivenProxy(new Uri(proxy), null, false, null).Failure!.Detail);

    [Fact]
    public void Credentials_given_alone_apply_to_the_sessions_proxy_and_both_kinds_at_once_are_refused()
    {
        var session = new ProxySetting(new Uri("http://proxy.example.test:3128"), null, false);
        var credential = new System.Net.NetworkCredential("alice", "pw");
        Assert.Equal(session.Address, ConnectionSettings.GivenProxy(null, credential, false, session).Value!.Address);
        Assert.Null(ConnectionSettings.GivenProxy(null, null, false, session).Value);
        Assert.Equal(ErrorKind.InvalidSetting, ConnectionSettings.GivenProxy(null, credential, true, session).Failure!.Kind);
    }

    [Fact]
    public void A_proxy_is_described_without_its_password() =>
        Assert.Equal("http://proxy.example.test:3128/ as alice",
            ConnectionSettings.Describe(new ProxySetting(new Uri("http://proxy.example.test:3128"), new System.Net.NetworkCredential("alice", "pw-secret"), false)));
}
