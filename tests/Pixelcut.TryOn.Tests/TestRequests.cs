namespace Pixelcut.TryOn.Tests;

/// <summary>The module's request stack over a handler a test scripts, built as the module builds it but for the handler and clock.</summary>
internal static class TestRequests
{
    public static readonly Uri BaseUri = new("https://api.example.test");

    /// <summary>An answer for a <see cref="ScriptedHandler"/>: a status and a body, and Retry-After when given.</summary>
    public static Func<HttpResponseMessage> Answer(System.Net.HttpStatusCode status, string body, TimeSpan? retryAfter = null) => () =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
        if (retryAfter.HasValue) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter.Value);
        return response;
    };

    public static HttpExchange Exchange(HttpMessageHandler handler, bool logExchange = false) =>
        new(new HttpMessageInvoker(handler), "Pixelcut.TryOn/test", logExchange);

    public static PixelcutHttp Api(HttpMessageHandler handler, bool logExchange = false) =>
        new(BaseUri, ApiKey.FromPlainText("sk_test"), Exchange(handler, logExchange));

    /// <summary>The one test requester: the module's stack order (<see cref="RequestStack.Api"/>), with the parts a test controls.</summary>
    /// <param name="jitter">The retry rule's random draw, fixed so waits are exact.</param>
    public static JobRequester Requester(HttpMessageHandler handler, IClock? clock = null, RequestPacer? pacer = null, ConcurrencyLimiter? limiter = null,
        int maxRetries = 5, double jitter = 0, bool logExchange = false)
    {
        clock ??= new FakeClock();
        return RequestStack.Api(new RetryPolicy(maxRetries, () => jitter), limiter ?? new ConcurrencyLimiter(new FakeClock()),
            pacer ?? new RequestPacer(1000, clock), Api(handler, logExchange), clock, TimeSpan.FromSeconds(30));
    }
}

/// <summary>
/// The one test handler: answers each request with the next scripted answer, or every request with one answer that may
/// wait or throw as the network would; it counts and keeps what was asked, from any thread.
/// </summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>>? _answers;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? _always;
    private readonly List<Uri> _asked = new();
    private int _requests;

    public ScriptedHandler(params Func<HttpResponseMessage>[] answers) => _answers = new Queue<Func<HttpResponseMessage>>(answers);

    private ScriptedHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> always) => _always = always;

    /// <summary>Every request gets <paramref name="answer"/>.</summary>
    public static ScriptedHandler Always(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) => new(answer);

    public int Requests => Volatile.Read(ref _requests);

    public List<Uri> Asked
    {
        get { lock (_asked) return new List<Uri>(_asked); }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        lock (_asked) _asked.Add(request.RequestUri!);
        if (_always != null) return _always(request, cancellationToken);
        lock (_answers!) return Task.FromResult(_answers.Dequeue()());
    }
}
