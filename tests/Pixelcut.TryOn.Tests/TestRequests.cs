namespace Pixelcut.TryOn.Tests;

/// <summary>The module's API client over a handler a test scripts, as the module builds it but for the handler.</summary>
internal static class TestRequests
{
    public static readonly Uri BaseUri = new("https://api.example.test");

    public static PixelcutHttp Api(HttpMessageHandler handler, bool logExchange = false) =>
        new(BaseUri, ApiKey.FromPlainText("sk_test"), new HttpExchange(new HttpMessageInvoker(handler), "Pixelcut.TryOn/test", logExchange));
}

/// <summary>Answers each request with the next scripted answer, and keeps what was asked.</summary>
internal sealed class ScriptedHandler(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new(answers);
    public int Requests { get; private set; }
    public List<Uri> Asked { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        Asked.Add(request.RequestUri!);
        return Task.FromResult(_answers.Dequeue()());
    }
}
