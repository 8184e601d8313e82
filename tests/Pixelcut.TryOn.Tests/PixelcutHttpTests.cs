namespace Pixelcut.TryOn.Tests;

/// <summary>The API requests on the one request path: what is refused before anything is sent.</summary>
public class PixelcutHttpTests
{
    [Fact]
    public async Task The_request_path_refuses_a_path_the_platform_changed_and_sends_nothing()
    {
        var handler = new ScriptedHandler();
        var http = TestRequests.Api(handler);
        var attempt = await http.SendAsync(HttpMethod.Post, "x", "v1/try-on/job/%2E%2E/cancel", TimeSpan.FromSeconds(5), _ => { }, null, CancellationToken.None);
        Assert.Equal(ErrorKind.InvalidJobId, attempt.Failure!.Kind);
        Assert.False(attempt.MayHaveReachedServer);
        Assert.Equal(0, handler.Requests);
    }
}
