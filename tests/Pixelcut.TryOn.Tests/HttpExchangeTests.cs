using System.Net;

namespace Pixelcut.TryOn.Tests;

/// <summary>The one request path: what it shows of a request and an answer, and what an answer it cannot read becomes.</summary>
public class HttpExchangeTests
{
    [Fact]
    public void A_link_is_shown_without_its_query()
    {
        Assert.Equal("https://assets.example.test/a.jpg", HttpExchange.Shown(new Uri("https://assets.example.test/a.jpg?X-Amz-Signature=abc")));
        Assert.Equal("/login", HttpExchange.Shown(new Uri("/login?token=abc", UriKind.Relative)));
        Assert.Equal("https://cdn.example.test:8443/p.jpg", HttpExchange.Shown(new Uri("https://user:secret@cdn.example.test:8443/p.jpg?sig=1")));
    }

    [Fact]
    public async Task An_exception_while_reading_the_body_is_that_jobs_failure()
    {
        var handler = new ScriptedHandler(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ThrowingContent() });
        var requester = TestRequests.Requester(handler, maxRetries: 0);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        Assert.Equal(ErrorKind.UnexpectedResponse, result.Failure!.Kind);
        Assert.True(result.MayHaveReachedServer);
    }

    private sealed class ThrowingContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            throw new InvalidOperationException("The character set provided in ContentType is invalid.");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task The_servers_request_id_reaches_the_failure_and_the_verbose_line()
    {
        var handler = new ScriptedHandler(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"error":"Job not found","error_code":"not_found"}""") };
            response.Headers.TryAddWithoutValidation("cf-ray", "ray-2");
            response.Headers.TryAddWithoutValidation("x-request-id", "req-\u001b1");
            return response;
        });
        var requester = TestRequests.Requester(handler, logExchange: true);
        var result = await JobOperations.GetAsync(requester, "j", null, false, CancellationToken.None);
        Assert.Equal("req-\\u001b1", result.Failure!.RequestId);
        Assert.Equal("req-\\u001b1", ErrorTable.ToException(result.Failure).RequestId);
        Assert.Contains(result.Trace, line => !line.IsDebug && line.Text.EndsWith("request id req-\\u001b1)"));
    }

    [Fact]
    public async Task The_exchange_log_shows_headers_without_the_key()
    {
        var requester = TestRequests.Requester(new ScriptedHandler(TestRequests.Answer(HttpStatusCode.OK, """{"message":"Job cancelled"}""")), logExchange: true);
        var result = await JobOperations.CancelAsync(requester, "j", null, CancellationToken.None);
        var exchange = result.Trace.Where(line => line.IsDebug).Select(line => line.Text).ToList();
        Assert.Contains(exchange, line => line.StartsWith("HTTP request: POST https://api.example.test/v1/try-on/job/j/cancel") && line.Contains("X-API-KEY: ***"));
        Assert.DoesNotContain(exchange, line => line.Contains("sk_test"));
        Assert.Contains(exchange, line => line.StartsWith("HTTP answer: 200 OK in ") && line.Contains("body: '{\"message\":\"Job cancelled\"}'"));
    }

    [Fact]
    public async Task A_body_sent_once_only_goes_on_a_client_of_its_own_closed_after_it_when_the_platform_needs_it()
    {
        var shared = new ScriptedHandler(TestRequests.Answer(HttpStatusCode.OK, "{}"));
        var own = new List<HttpRequestMessage>();
        var ownClients = 0;
        var exchange = new HttpExchange(new HttpMessageInvoker(shared), "test", false, () =>
        {
            ownClients++;
            return new HttpMessageInvoker(ScriptedHandler.Always((request, _) =>
            {
                own.Add(request);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent("""{"job_id":"j"}""") });
            }));
        });
        var api = new PixelcutHttp(TestRequests.BaseUri, ApiKey.FromPlainText("sk_test"), exchange);

        var status = await api.SendAsync(HttpMethod.Get, "j", "v1/try-on/job/j", TimeSpan.FromSeconds(5), _ => { }, null, CancellationToken.None);
        var submit = await api.SendAsync(HttpMethod.Post, "", "v1/try-on", TimeSpan.FromSeconds(5), _ => { }, null, CancellationToken.None,
            () => RequestBody.Json(new[] { new KeyValuePair<string, object>("a", "b") }, null));

        Assert.Equal(1, shared.Requests);
        Assert.Equal(200, status.Value!.StatusCode);
        Assert.Equal(202, submit.Value!.StatusCode);
        Assert.Equal(1, ownClients);
        Assert.True(own.Single().Headers.ConnectionClose);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Only_net_framework_gets_a_client_of_its_own_per_body_sent_once_only(bool netFramework, bool own) =>
        Assert.Equal(own, HttpClients.FreshForOnceOnlyBodies(ProxySetting.System, netFramework) != null);
}
