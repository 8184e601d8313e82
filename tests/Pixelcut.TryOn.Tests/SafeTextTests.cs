
namespace Pixelcut.TryOn.Tests;

public class SafeTextTests
{
    [Theory]
    [InlineData("\u001b[2Jcleared", "\\u001b[2Jcleared")]
    [InlineData("\u001b]0;pwned\u0007title", "\\u001b]0;pwned\\u0007title")]
    [InlineData("c1\u009bcsi", "c1\\u009bcsi")]
    [InlineData("bidi\u202Eevil", "bidi\\u202eevil")]
    [InlineData("pair \uD83D\uDE00 kept", "pair \uD83D\uDE00 kept")]
    [InlineData("plain text, accents éü and CJK 試着", "plain text, accents éü and CJK 試着")]
    public void Unsafe_characters_become_escapes_and_the_rest_is_kept(string text, string shown) =>
        Assert.Equal(shown, SafeText.Printable(text));

    [Fact]
    public void A_lone_surrogate_becomes_an_escape() =>
        Assert.Equal("lone\\ud800surrogate", SafeText.Printable("lone\uD800surrogate"));

    [Fact]
    public void A_snippet_is_one_quoted_printable_line_cut_at_its_limit()
    {
        Assert.Equal("'<html>  <h1>x</h1>'", SafeText.Snippet("<html>\r\n<h1>x</h1>\n"));
        Assert.Equal("'aaaaa...'", SafeText.Snippet(new string('a', 50), maxLength: 5));
        Assert.Equal("'\\u001b[2J'", SafeText.Snippet("\u001b[2J"));
    }

    [Fact]
    public void Server_strings_in_an_answer_are_printable_before_anything_reads_them()
    {
        var attempt = PixelcutHttp.Interpret("j", 409, """{"error":"\u001b[2Jgone\u0007","error_code":"job_\u001bfinished"}""", null, null, DateTime.UtcNow);
        Assert.Equal("\\u001b[2Jgone\\u0007", attempt.Failure!.Detail);
        Assert.Equal("job_\\u001bfinished", attempt.Failure.ErrorCode);
        var exception = ErrorTable.ToException(attempt.Failure);
        Assert.DoesNotContain('\u001b', exception.Message);
        Assert.DoesNotContain('\u0007', exception.Message);
    }
}
