
namespace Pixelcut.TryOn.Tests;

public class ApiKeyTests
{
    [Theory]
    [InlineData("sk_line\r\nX-Injected: 1")]
    [InlineData("sk_tab\tinside")]
    [InlineData("sk_nul\0")]
    [InlineData("sk_del\u007f")]
    [InlineData("sk_accent_é")]
    [InlineData("sk_nbsp\u00a0inside")]
    public void A_key_that_cannot_be_a_header_value_is_refused_without_quoting_it(string key)
    {
        var problem = ApiKey.Problem(key);
        Assert.NotNull(problem);
        Assert.DoesNotContain("sk_", problem);
        Assert.Throws<ArgumentException>(() => ApiKey.FromPlainText(key));
    }

    [Fact]
    public void A_printable_ascii_key_is_accepted_and_never_shown()
    {
        Assert.Null(ApiKey.Problem("sk_live_AbC123-._~+/="));
        var key = ApiKey.FromPlainText("sk_live_AbC123");
        Assert.Equal("(API key)", key.ToString());
        Assert.Equal("sk_live_AbC123", key.Reveal());
    }

    [Fact]
    public void Surrounding_white_space_is_trimmed_from_a_secure_string()
    {
        var secret = new System.Security.SecureString();
        foreach (var c in " sk_key\r\n") secret.AppendChar(c);
        Assert.Equal("sk_key", ApiKey.Trimmed(secret));
    }

    [Fact]
    public void A_nul_inside_a_secure_string_is_kept_so_the_key_is_refused_rather_than_cut_short()
    {
        var secret = new System.Security.SecureString();
        foreach (var c in "sk_a\0b") secret.AppendChar(c);
        var revealed = ApiKey.Trimmed(secret);
        Assert.Equal("sk_a\0b", revealed);
        Assert.Equal("contains a NUL character", ApiKey.Problem(revealed));
    }

    [Theory]
    [InlineData("sk_key\u00a0")]
    [InlineData("\u3000sk_key")]
    [InlineData("sk_key\u2028")]
    public void Only_ascii_white_space_is_trimmed_so_a_pasted_unicode_space_is_refused(string key)
    {
        var trimmed = ApiKey.Trimmed(key);
        Assert.Equal(key, trimmed);
        Assert.Equal("contains a character outside printable ASCII", ApiKey.Problem(trimmed));
    }
}
