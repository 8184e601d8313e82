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

        private static readonly string[] RequestIdHeaders = { "x-request-id", "request-id", "cf-ray" };

        private readonly HttpMessageInvoker _client;
        private readonly Uri _root;
        private readonly ApiKey _key;
        private readonly string _userAgent;
        private readonly bool _logExchange;

        /// <param name="logExchange">Whether to trace each request and answer in full (headers, body snippet) for -Debug.</param>
        public PixelcutHttp(Uri baseUri, ApiKey key, HttpMessageInvoker client, string userAgent, bool logExchange)
        {
            _root = JobPath.Root(baseUri);
            _key = key;
            _client = client;
            _userAgent = userAgent;
            _logExchange = logExchange;
        }

        /// <param name="sending">Called just before the request goes out, so a caller knows the server may act on it.</param>
        public async Task<Attempt> SendAsync(HttpMethod method, string jobId, string relativePath, TimeSpan timeout,
            Action<TraceLine> trace, Action? sending, CancellationToken cancellation)
        {
            var uri = new Uri(_root, relativePath);
            var request = $"{method} {uri.AbsolutePath}";
            var changed = JobPath.ChangedBy(uri, _root.AbsolutePath + relativePath);
            if (changed != null)
            {
                trace(TraceLine.Verbose($"Not sending {method} for job '{SafeText.Printable(jobId)}': {changed}."));
                return Attempt.Failed(new Failure(ErrorKind.InvalidJobId, jobId, detail: changed));
            }
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            {
                attemptCancellation.CancelAfter(timeout);
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response;
                using (var message = NewRequest(method, uri))
                {
                    if (_logExchange) trace(TraceLine.Debug(Describe(message)));
                    try
                    {
                        sending?.Invoke();
                        response = await _client.SendAsync(message, attemptCancellation.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested)
                    {
                        return NoAnswer(request, watch, TransportFault.NoAnswer(jobId, e, timeout, message), trace);
                    }
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    var requestId = RequestIdOf(response.Headers);
                    var said = requestId == null ? "" : $", request id {requestId}";
                    try
                    {
                        var body = await ReadBodyAsync(response.Content, attemptCancellation.Token).ConfigureAwait(false);
                        trace(TraceLine.Verbose($"{request} -> {status} {SafeText.Printable(response.ReasonPhrase)} ({watch.ElapsedMilliseconds} ms{said})"));
                        if (_logExchange) trace(TraceLine.Debug(Describe(response, watch, requestId, body.Length == 0 ? "(none)" : SafeText.Snippet(body, 300))));
                        return Interpret(jobId, status, body, RetryAfter(response.Headers), requestId, DateTime.UtcNow);
                    }
                    catch (BodyTooLargeException e)
                    {
                        if (_logExchange) trace(TraceLine.Debug(Describe(response, watch, requestId, "(over the size limit, not read)")));
                        trace(TraceLine.Verbose($"{request} -> {status}, body over {MaxBodyBytes / 1024 / 1024} MiB, not read ({watch.ElapsedMilliseconds} ms{said})"));
                        return Attempt.Failed(new Failure(ErrorKind.UnexpectedResponse, jobId, status,
                            detail: $"the answer is larger than {MaxBodyBytes / 1024 / 1024} MiB", cause: e, requestId: requestId), mayHaveReachedServer: true);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested && !IsTransportFault(e) && !(e is OperationCanceledException))
                    {
                        if (_logExchange) trace(TraceLine.Debug(Describe(response, watch, requestId, "(unreadable)")));
                        trace(TraceLine.Verbose($"{request} -> {status}, body unreadable: {SafeText.Printable(e.Message)} ({watch.ElapsedMilliseconds} ms{said})"));
                        return Attempt.Failed(new Failure(ErrorKind.UnexpectedResponse, jobId, status,
                            detail: "the body could not be read: " + SafeText.Printable(e.Message), cause: TransportFault.PrintableCause(e), requestId: requestId),
                            mayHaveReachedServer: true);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested)
                    {
                        return NoAnswer(request, watch, TransportFault.NoAnswer(jobId, e, timeout, null), trace);
                    }
                }
            }
        }

        /// <summary>What an answer means: a 2xx is the operation's to read, everything else is a failure from the table.</summary>
        internal static Attempt Interpret(string jobId, int status, string body, TimeSpan? retryAfter, string? requestId, DateTime receivedAt)
        {
            var json = Printable(JsonBody.TryParseObject(body));
            var snippet = string.IsNullOrWhiteSpace(body) ? "no body" : SafeText.Snippet(body);
            if (status >= 200 && status <= 299) return Attempt.Succeeded(new ApiAnswer(status, json, snippet, requestId, receivedAt));

            var errorCode = JsonBody.GetString(json, "error_code");
            var kind = ErrorTable.Classify(status, errorCode);
            var detail = JsonBody.GetString(json, "error") ?? snippet;
            var failure = new Failure(kind, jobId, status, errorCode, detail, requestId: requestId);
            return Attempt.Failed(failure, retryAfter, mayHaveReachedServer: status >= 500);
        }

        private HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
        {
            var message = new HttpRequestMessage(method, uri);
            // Add, not TryAddWithoutValidation: a value with CR or LF is refused here rather than split the request.
            message.Headers.Add("X-API-KEY", _key.Reveal());
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            // Built from printable ASCII only (UserAgent), so it needs no parsing here.
            message.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
            return message;
        }

        /// <summary>The request as -Debug shows it: the key is never shown, nor a query (a signed link's query grants access to it).</summary>
        internal static string Describe(HttpRequestMessage message)
        {
            var line = new StringBuilder($"HTTP request: {message.Method} {message.RequestUri?.GetLeftPart(UriPartial.Path)}");
            foreach (var header in message.Headers)
            {
                var value = string.Equals(header.Key, "X-API-KEY", StringComparison.OrdinalIgnoreCase) ? "***"
                    : string.Join(string.Equals(header.Key, "User-Agent", StringComparison.OrdinalIgnoreCase) ? " " : ", ", header.Value);
                line.Append(" | ").Append(header.Key).Append(": ").Append(value);
            }
            return line.ToString();
        }

        /// <summary>The answer as -Debug shows it: status, time, the headers that matter, and the start of the body.</summary>
        internal static string Describe(HttpResponseMessage response, Stopwatch watch, string? requestId, string bodyShown)
        {
            var line = new StringBuilder($"HTTP answer: {(int)response.StatusCode} {SafeText.Printable(response.ReasonPhrase)} in {watch.ElapsedMilliseconds} ms");
            if (requestId != null) line.Append(" | request id: ").Append(requestId);
            if (response.Headers.TryGetValues("Retry-After", out var retryAfter)) line.Append(" | Retry-After: ").Append(SafeText.Printable(string.Join(", ", retryAfter)));
            if (response.Content?.Headers.ContentType != null) line.Append(" | Content-Type: ").Append(SafeText.Printable(response.Content.Headers.ContentType.ToString()));
            if (response.Content?.Headers.ContentLength != null) line.Append(" | Content-Length: ").Append(response.Content.Headers.ContentLength);
            line.Append(" | body: ").Append(bodyShown);
            return line.ToString();
        }

        /// <summary>The first request id header the answer carries, printable and of a sane length.</summary>
        internal static string? RequestIdOf(HttpResponseHeaders headers)
        {
            foreach (var name in RequestIdHeaders)
            {
                if (!headers.TryGetValues(name, out var values)) continue;
                var value = SafeText.Printable(string.Join(",", values).Trim());
                if (value.Length > 0) return value.Length <= 128 ? value : value.Substring(0, 128);
            }
            return null;
        }

        private static Attempt NoAnswer(string request, Stopwatch watch, Failure failure, Action<TraceLine> trace)
        {
            trace(TraceLine.Verbose(failure.Kind == ErrorKind.RequestTimedOut
                ? $"{request} -> {failure.Detail}"
                : $"{request} -> failed: {failure.Detail} ({watch.ElapsedMilliseconds} ms)"));
            // A refused certificate ends the handshake before a byte of the request is sent.
            return Attempt.Failed(failure, mayHaveReachedServer: failure.Kind != ErrorKind.CertificateRejected);
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
        internal static TimeSpan? RetryAfter(HttpResponseHeaders headers)
        {
            var header = headers.RetryAfter;
            var delay = header?.Delta ?? (header?.Date - DateTimeOffset.UtcNow);
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        private sealed class BodyTooLargeException : Exception
        {
            public BodyTooLargeException() : base("The answer is larger than the module reads.") { }
        }
    }
}
