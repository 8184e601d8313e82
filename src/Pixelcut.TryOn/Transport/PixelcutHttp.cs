using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// The one request path to the API: sends one request, reads the answer and turns it into an
    /// <see cref="Attempt"/>. It neither retries nor waits; that is the caller's policy. Whatever the
    /// network or the server does, the outcome is an Attempt: only the caller's cancellation escapes.
    /// </summary>
    internal sealed class PixelcutHttp
    {
        /// <summary>The API's bodies are a few hundred bytes; anything past this is not read.</summary>
        internal const int MaxBodyBytes = 1024 * 1024;

        // One invoker per process: sockets are scarce in automation sandboxes. The key is a per-request
        // header, never client state, so different keys can share it. An invoker rather than an
        // HttpClient, so the body is never buffered whole before the size cap applies.
        private static readonly HttpMessageInvoker SharedClient = CreateClient();

        private readonly HttpMessageInvoker _client;
        private readonly Uri _root;
        private readonly ApiKey _key;

        public PixelcutHttp(Uri baseUri, ApiKey key, HttpMessageInvoker? client = null)
        {
            _root = JobPath.Root(baseUri);
            _key = key;
            _client = client ?? SharedClient;
        }

        /// <param name="sending">Called just before the request goes out, so a caller knows the server may act on it.</param>
        public async Task<Attempt> SendAsync(HttpMethod method, string jobId, string relativePath, TimeSpan timeout,
            Action<string> trace, Action? sending, CancellationToken cancellation)
        {
            var uri = new Uri(_root, relativePath);
            var request = $"{method} {uri.AbsolutePath}";
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            {
                attemptCancellation.CancelAfter(timeout);
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response;
                using (var message = NewRequest(method, uri))
                {
                    try
                    {
                        sending?.Invoke();
                        response = await _client.SendAsync(message, attemptCancellation.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested)
                    {
                        return NoAnswer(jobId, request, timeout, watch, e, trace);
                    }
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    try
                    {
                        var body = await ReadBodyAsync(response.Content, attemptCancellation.Token).ConfigureAwait(false);
                        trace($"{request} -> {status} {SafeText.Printable(response.ReasonPhrase)} ({watch.ElapsedMilliseconds} ms)");
                        return Interpret(jobId, status, body, RetryAfter(response.Headers));
                    }
                    catch (BodyTooLargeException e)
                    {
                        trace($"{request} -> {status}, body over {MaxBodyBytes / 1024 / 1024} MiB, not read ({watch.ElapsedMilliseconds} ms)");
                        return Attempt.Failed(new Failure(ErrorKind.UnexpectedResponse, jobId, status,
                            detail: $"the answer is larger than {MaxBodyBytes / 1024 / 1024} MiB", cause: e), mayHaveReachedServer: true);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested && !IsTransportFault(e) && !(e is OperationCanceledException))
                    {
                        trace($"{request} -> {status}, body unreadable: {SafeText.Printable(e.Message)} ({watch.ElapsedMilliseconds} ms)");
                        return Attempt.Failed(new Failure(ErrorKind.UnexpectedResponse, jobId, status,
                            detail: "the body could not be read: " + SafeText.Printable(e.Message), cause: TransportFault.PrintableCause(e)),
                            mayHaveReachedServer: true);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested)
                    {
                        return NoAnswer(jobId, request, timeout, watch, e, trace);
                    }
                }
            }
        }

        /// <summary>What an answer means: a 2xx is the operation's to read, everything else is a failure from the table.</summary>
        internal static Attempt Interpret(string jobId, int status, string body, TimeSpan? retryAfter)
        {
            var json = Printable(JsonBody.TryParseObject(body));
            var snippet = string.IsNullOrWhiteSpace(body) ? "no body" : SafeText.Snippet(body);
            if (status >= 200 && status <= 299) return Attempt.Succeeded(new ApiAnswer(status, json, snippet));

            var errorCode = JsonBody.GetString(json, "error_code");
            var kind = ErrorTable.Classify(status, errorCode);
            var detail = JsonBody.GetString(json, "error") ?? snippet;
            var failure = new Failure(kind, jobId, status, errorCode, detail);
            return Attempt.Failed(failure, retryAfter, mayHaveReachedServer: status >= 500);
        }

        private HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
        {
            var message = new HttpRequestMessage(method, uri);
            // Add, not TryAddWithoutValidation: a value with CR or LF is refused here rather than split the request.
            message.Headers.Add("X-API-KEY", _key.Reveal());
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return message;
        }

        private static Attempt NoAnswer(string jobId, string request, TimeSpan timeout, Stopwatch watch, Exception e, Action<string> trace)
        {
            if (e is OperationCanceledException)
            {
                trace($"{request} -> no answer within {timeout.TotalSeconds:0.#} s");
                return Attempt.Failed(
                    new Failure(ErrorKind.RequestTimedOut, jobId, detail: $"no answer within {timeout.TotalSeconds:0.#} s", cause: e),
                    mayHaveReachedServer: true);
            }
            var failure = TransportFault.Describe(jobId, e);
            trace($"{request} -> failed: {failure.Detail} ({watch.ElapsedMilliseconds} ms)");
            return Attempt.Failed(failure, mayHaveReachedServer: true);
        }

        private static bool IsTransportFault(Exception e) => e is HttpRequestException || e is IOException;

        /// <summary>
        /// Reads at most <see cref="MaxBodyBytes"/> and decodes them by the declared charset, or as UTF-8
        /// (what JSON is) when the charset is missing or unknown, so no label a server sends can fail the read.
        /// </summary>
        private static async Task<string> ReadBodyAsync(HttpContent? content, CancellationToken cancellation)
        {
            if (content == null) return string.Empty;
            if (content.Headers.ContentLength > MaxBodyBytes) throw new BodyTooLargeException();
            using (var stream = await content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellation).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxBodyBytes) throw new BodyTooLargeException();
                    buffer.Write(chunk, 0, read);
                }
                return EncodingOf(content.Headers.ContentType?.CharSet).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
            }
        }

        private static Encoding EncodingOf(string? charset)
        {
            if (string.IsNullOrWhiteSpace(charset)) return Encoding.UTF8;
            try
            {
                return Encoding.GetEncoding(charset!.Trim().Trim('"'));
            }
            catch (ArgumentException)
            {
                return Encoding.UTF8;
            }
        }

        /// <summary>The parsed body with every string, names included, made printable: the one place server text is cleaned.</summary>
        private static IReadOnlyDictionary<string, object?>? Printable(IReadOnlyDictionary<string, object?>? json) =>
            json == null ? null : (IReadOnlyDictionary<string, object?>)PrintableValue(json)!;

        private static object? PrintableValue(object? value)
        {
            switch (value)
            {
                case string text:
                    return SafeText.Printable(text);
                case IReadOnlyDictionary<string, object?> obj:
                    var cleanObject = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var pair in obj) cleanObject[SafeText.Printable(pair.Key)] = PrintableValue(pair.Value);
                    return cleanObject;
                case IReadOnlyList<object?> list:
                    var cleanList = new List<object?>(list.Count);
                    foreach (var item in list) cleanList.Add(PrintableValue(item));
                    return cleanList;
                default:
                    return value;
            }
        }

        /// <summary>Retry-After as a delay from now, from delta-seconds or an HTTP-date (a past date reads as zero).</summary>
        private static TimeSpan? RetryAfter(HttpResponseHeaders headers)
        {
            var header = headers.RetryAfter;
            var delay = header?.Delta ?? (header?.Date - DateTimeOffset.UtcNow);
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        private static HttpMessageInvoker CreateClient()
        {
            var handler = new HttpClientHandler
            {
                // Redirects are not followed: the key header would travel to wherever a redirect points.
                AllowAutoRedirect = false,
                // No cookie jar: one shared handler serves every key in the process, and a cookie set for
                // one key's answer must never travel with another key's request.
                UseCookies = false,
            };
            try
            {
                handler.MaxConnectionsPerServer = 64;
            }
            catch (PlatformNotSupportedException)
            {
                // Older .NET Framework builds keep their own per-server limit.
            }
            return new HttpMessageInvoker(handler, disposeHandler: true);
        }

        private sealed class BodyTooLargeException : Exception
        {
            public BodyTooLargeException() : base("The answer is larger than the module reads.") { }
        }
    }
}
