namespace Pixelcut.TryOn.Tests;

/// <summary>A submit's body goes out once: a second send fails before a byte of it is written, and the first is counted.</summary>
public class OnceOnlyContentTests
{
    [Fact]
    public async Task A_second_send_of_the_body_fails_before_writing_anything()
    {
        var counted = 0;
        using var body = new OnceOnlyContent(new StringContent("{\"a\":1}"), bytes => counted += bytes);
        Assert.False(body.Started);
        using var first = new MemoryStream();
        await body.CopyToAsync(first);
        Assert.True(body.Started);
        Assert.Equal(7, first.Length);
        Assert.Equal(7, counted);

        using var second = new MemoryStream();
        await Assert.ThrowsAsync<InvalidOperationException>(() => body.CopyToAsync(second));
        Assert.Equal(0, second.Length);
        Assert.Equal(7, counted);
    }

    [Fact]
    public void It_keeps_the_inner_bodys_type_and_length()
    {
        using var body = new OnceOnlyContent(new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"), null);
        Assert.Equal("text/plain", body.Headers.ContentType!.MediaType);
        Assert.Equal(5, body.Headers.ContentLength);
    }

    [Fact]
    public async Task A_request_whose_body_never_went_out_certainly_did_not_reach_the_server()
    {
        // Fails as a refused connection does: before the runtime asks the body for a byte.
        var refused = ScriptedHandler.Always((_, _) => throw new HttpRequestException("Connection refused"));
        var before = await TestRequests.Api(refused).SendAsync(HttpMethod.Post, "", "v1/try-on", TimeSpan.FromSeconds(5), _ => { }, null,
            CancellationToken.None, () => RequestBody.Json(new[] { new KeyValuePair<string, object>("a", "b") }, null));
        Assert.False(before.MayHaveReachedServer);

        // Fails as a connection reset halfway through the upload does: the server never had the whole request.
        var cut = ScriptedHandler.Always(async (request, _) =>
        {
            await request.Content!.CopyToAsync(new FailingStream());
            throw new InvalidOperationException("not reached");
        });
        var halfway = await TestRequests.Api(cut).SendAsync(HttpMethod.Post, "", "v1/try-on", TimeSpan.FromSeconds(5), _ => { }, null,
            CancellationToken.None, () => RequestBody.Json(new[] { new KeyValuePair<string, object>("a", "b") }, null));
        Assert.Equal(ErrorKind.ConnectionFailed, halfway.Failure!.Kind);
        Assert.False(halfway.MayHaveReachedServer);

        // Fails as a connection reset after the request went out does.
        var reset = ScriptedHandler.Always(async (request, _) =>
        {
            await request.Content!.CopyToAsync(Stream.Null);
            throw new HttpRequestException("Connection reset by peer");
        });
        var after = await TestRequests.Api(reset).SendAsync(HttpMethod.Post, "", "v1/try-on", TimeSpan.FromSeconds(5), _ => { }, null,
            CancellationToken.None, () => RequestBody.Json(new[] { new KeyValuePair<string, object>("a", "b") }, null));
        Assert.True(after.MayHaveReachedServer);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new IOException("Connection reset by peer");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Connection reset by peer");
    }
}
