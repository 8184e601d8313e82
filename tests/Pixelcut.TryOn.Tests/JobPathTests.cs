
namespace Pixelcut.TryOn.Tests;

public class JobPathTests
{
    [Theory]
    [InlineData("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "v1/try-on/job/6ba7b810-9dad-11d1-80b4-00c04fd430c8/cancel")]
    [InlineData("a/b", "v1/try-on/job/a%2Fb/cancel")]
    [InlineData("a?b#c", "v1/try-on/job/a%3Fb%23c/cancel")]
    [InlineData("50% off", "v1/try-on/job/50%25%20off/cancel")]
    [InlineData("../admin", "v1/try-on/job/..%2Fadmin/cancel")]
    [InlineData("é", "v1/try-on/job/%C3%A9/cancel")]
    public void The_id_is_one_escaped_segment(string jobId, string expected) => Assert.Equal(expected, JobPath.For(jobId, "/cancel"));

    [Theory]
    [InlineData("a/b")]
    [InlineData("a?b#c")]
    [InlineData("../admin")]
    [InlineData("%2e%2e")]
    [InlineData("x y")]
    public void The_escaped_segment_survives_Uri_and_decodes_back_to_the_id(string jobId)
    {
        var uri = new Uri(JobPath.Root(new Uri("https://api.example.test/base")), JobPath.For(jobId, "/cancel"));
        var segments = uri.AbsolutePath.Split('/');
        Assert.Equal(["", "base", "v1", "try-on", "job", segments[5], "cancel"], segments);
        Assert.Equal(jobId, Uri.UnescapeDataString(segments[5]));
        Assert.Equal("", uri.Query);
        Assert.Equal("", uri.Fragment);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "white space")]
    [InlineData(".", "another path")]
    [InlineData("..", "another path")]
    [InlineData("a\nb", "control character")]
    [InlineData("a\u0000", "control character")]
    [InlineData("a\u202Eb", "text-direction")]
    public void Ids_that_cannot_be_one_segment_are_refused(string jobId, string reason) =>
        Assert.Contains(reason, JobPath.Problem(jobId));

    [Theory]
    [InlineData("...")]
    [InlineData(".a")]
    [InlineData("a b")]
    public void Odd_but_sendable_ids_are_accepted(string jobId) => Assert.Null(JobPath.Problem(jobId));

    [Theory]
    [InlineData("https://api.developer.pixelcut.ai", "https://api.developer.pixelcut.ai/")]
    [InlineData("https://gw.example.test/pixelcut", "https://gw.example.test/pixelcut/")]
    [InlineData("https://gw.example.test/pixelcut/?x=1", "https://gw.example.test/pixelcut/")]
    public void The_root_keeps_a_path_prefix(string baseUri, string root) => Assert.Equal(root, JobPath.Root(new Uri(baseUri)).AbsoluteUri);

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://127.5.0.1", true)]
    [InlineData("http://10.0.0.1", false)]
    [InlineData("http://localhost.example.test", false)]
    public void Loopback_is_recognised(string uri, bool loopback) => Assert.Equal(loopback, JobPath.IsLoopback(new Uri(uri)));

    [Fact]
    public void Ids_over_1024_characters_are_refused_and_1024_are_not()
    {
        Assert.Null(JobPath.Problem(new string('a', 1024)));
        Assert.Contains("1025 characters", JobPath.Problem(new string('a', 1025)));
        Assert.Null(JobPath.Problem("emoji \uD83D\uDE00 pair"));
    }

    // Theory data cannot carry a lone surrogate: it is replaced on the way to the test.
    [Fact]
    public void Ids_with_an_unpaired_surrogate_are_refused()
    {
        Assert.Contains("unpaired UTF-16 surrogate", JobPath.Problem("a\uD800b"));
        Assert.Contains("unpaired UTF-16 surrogate", JobPath.Problem("a\uDC00"));
        Assert.Contains("unpaired UTF-16 surrogate", JobPath.Problem("\uDE00\uD83D"));
    }

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
}
