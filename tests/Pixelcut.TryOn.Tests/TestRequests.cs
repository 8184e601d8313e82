namespace Pixelcut.TryOn.Tests;

/// <summary>The module's API client over a handler a test scripts, as the module builds it but for the handler.</summary>
internal static class TestRequests
{
    public static readonly Uri BaseUri = new("https://api.example.test");

    public static PixelcutHttp Api(HttpMessageHandler handler, bool logExchange = false) =>
        new(BaseUri, ApiKey.FromPlainText("sk_test"), new HttpExchange(new HttpMessageInvoker(handler), "Pixelcut.TryOn/test", logExchange));
}
