using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Pixelcut.TryOn.Api
{
    /// <summary>
    /// The one request path to the API: sends one request, reads the answer and turns it into an
    /// <see cref="Attempt"/>. It neither retries nor waits; that is the caller's policy.
    /// </summary>
    internal sealed class PixelcutHttp
    {
        // One client per process: sockets are scarce in automation sandboxes. The key is a
        // per-request header, never client state, so different keys can share it.
        private static readonly HttpClient SharedClient = CreateClient();

        private readonly HttpMessageInvoker _client;
        private readonly Uri _root;
        private readonly ApiKey _key;

        public PixelcutHttp(Uri baseUri, ApiKey key, HttpMessageInvoker? client = null)
        {
            _root = JobPath.Root(baseUri);
            _key = key;
            _client = client ?? SharedClient;
        }

        public async Task<Attempt> SendAsync(HttpMethod method, string jobId, string relativePath, TimeSpan timeout,
            Action<string> trace, CancellationToken cancellation)
        {
            var uri = new Uri(_root, relativePath);
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            using (var request = new HttpRequestMessage(method, uri))
            {
                request.Headers.TryAddWithoutValidation("X-API-KEY", _key.Reveal());
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                attemptCancellation.CancelAfter(timeout);
                var watch = Stopwatch.StartNew();
                try
                {
                    using (var response = await _client.SendAsync(request, attemptCancellation.Token).ConfigureAwait(false))
                    {
                        var body = response.Content == null
                            ? string.Empty
                            : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                        var status = (int)response.StatusCode;
                        trace($"{method} {uri.AbsolutePath} -> {status} {response.ReasonPhrase} ({watch.ElapsedMilliseconds} ms)");
                        return Interpret(jobId, status, body, RetryAfter(response.Headers.RetryAfter));
                    }
                }
                catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
                {
                    trace($"{method} {uri.AbsolutePath} -> no answer within {timeout.TotalSeconds:0.#} s");
                    return Attempt.Failed(
                        new Failure(ErrorKind.RequestTimedOut, jobId, detail: $"no answer within {timeout.TotalSeconds:0.#} s", cause: e),
                        mayHaveReachedServer: true);
                }
                catch (Exception e) when (e is HttpRequestException || e is IOException)
                {
                    var detail = Innermost(e).Message.TrimEnd('.');
                    trace($"{method} {uri.AbsolutePath} -> failed: {detail} ({watch.ElapsedMilliseconds} ms)");
                    return Attempt.Failed(new Failure(ErrorKind.ConnectionFailed, jobId, detail: detail, cause: e), mayHaveReachedServer: true);
                }
            }
        }

        /// <summary>What an answer means: a 200 with a JSON object succeeds, everything else is a failure from the table.</summary>
        internal static Attempt Interpret(string jobId, int status, string body, TimeSpan? retryAfter)
        {
            var json = JsonBody.TryParseObject(body);
            if (status == 200)
            {
                return json != null
                    ? Attempt.Succeeded(json)
                    : Attempt.Failed(new Failure(ErrorKind.UnexpectedResponse, jobId, status, detail: "the body is not a JSON object: " + Snippet(body)));
            }

            var kind = ErrorTable.Classify(status);
            var detail = JsonBody.GetString(json, "error") ?? (string.IsNullOrWhiteSpace(body) ? "no body" : Snippet(body));
            var failure = new Failure(kind, jobId, status, JsonBody.GetString(json, "error_code"), detail);
            return Attempt.Failed(failure, retryAfter, mayHaveReachedServer: status >= 500);
        }

        /// <summary>Retry-After as a delay from now, from delta-seconds or an HTTP-date (a past date reads as zero).</summary>
        private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
        {
            var delay = header?.Delta ?? (header?.Date - DateTimeOffset.UtcNow);
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        /// <summary>The start of a body that is not the JSON we expect, on one line, for the error message.</summary>
        private static string Snippet(string body)
        {
            var oneLine = ErrorTable.Printable(body.Replace("\r", " ").Replace("\n", " ").Trim());
            return oneLine.Length <= 120 ? $"'{oneLine}'" : $"'{oneLine.Substring(0, 120)}...'";
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }

        private static HttpClient CreateClient()
        {
            // Redirects are not followed: the key header would travel to wherever a redirect points.
            var handler = new HttpClientHandler { AllowAutoRedirect = false };
            try
            {
                handler.MaxConnectionsPerServer = 64;
            }
            catch (PlatformNotSupportedException)
            {
                // Older .NET Framework builds keep their own per-server limit.
            }
            return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }
    }
}
