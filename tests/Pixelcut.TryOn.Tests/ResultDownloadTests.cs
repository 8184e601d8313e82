namespace Pixelcut.TryOn.Tests;

/// <summary>Which result links are fetched, and how what came instead of a picture is named.</summary>
public class ResultDownloadTests
{
    [Theory]
    [InlineData("https://assets.example.test/a.jpg?sig=1", null)]
    [InlineData("http://127.0.0.1:5000/assets/a.jpg", null)]
    [InlineData("http://localhost/a.jpg", null)]
    [InlineData("http://[::1]/a.jpg", null)]
    [InlineData("http://example.com/x.jpg", "plain http to a host that is not this machine")]
    [InlineData("ftp://example.com/x.jpg", "not an https address")]
    [InlineData("file:///etc/passwd", "not an https address")]
    [InlineData("/assets/x.jpg", "result link")]
    [InlineData("assets/x.jpg", "not an absolute address")]
    [InlineData("https://user:secret@example.com/x.jpg", "user name or password")]
    [InlineData("", "no result link")]
    [InlineData(null, "no result link")]
    public void Only_an_https_link_or_one_to_this_machine_is_fetched(string? resultUrl, string? problem)
    {
        var (link, said) = ResultDownload.Checked(resultUrl);
        if (problem == null)
        {
            Assert.NotNull(link);
            Assert.Null(said);
        }
        else
        {
            Assert.Null(link);
            Assert.Contains(problem, said);
            Assert.DoesNotContain("secret", said);
        }
    }

    [Fact]
    public void What_came_instead_of_a_picture_is_named_by_its_content_type_and_start()
    {
        var html = "<html>\n<title>Sign in to Hotel Wi-Fi</title>"u8.ToArray();
        Assert.Equal("the answer is text/html; charset=utf-8, not a JPEG picture; it starts '<html> <title>Sign in to Hotel Wi-Fi</title>'",
            ResultDownload.NotAPicture("text/html; charset=utf-8", html, html.Length));
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 };
        Assert.Equal("the answer is image/png, not a JPEG picture; it starts bytes 89 50 4E 47 0D 0A 1A 0A",
            ResultDownload.NotAPicture("image/png", png, png.Length));
        Assert.Equal("the answer is empty (no content type), not a JPEG picture", ResultDownload.NotAPicture(null, [], 0));
    }
}
