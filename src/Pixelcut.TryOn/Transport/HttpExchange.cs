using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// The one request path, for every host the module talks to (the API and the result host): sends one request within
    /// the attempt's own time, and hands its answer to the caller's reader. It owns the User-Agent, the trace and -Debug
    /// lines, the request id, the body cap and charset, and what "no answer" means. It neither retries nor waits; that is
    /// the caller's policy. Whatever the network or the server does, the outcome is an Attempt: only the caller's
    /// cancellation escapes.
    /// </summary>
    internal sealed class HttpExchange
    {
        private static readonly string[] RequestIdHeaders = { "x-request-id", "request-id", "cf-ray" };

        private readonly HttpMessageInvoker _client;
        private readonly Func<HttpMessageInvoker>? _freshClientForOnceOnlyBodies;
        private readonly string _userAgent;

        /// <param name="logExchange">Whether to trace each request and answer in full (headers, body snippet) for -Debug.</param>
        /// <param name="freshClientForOnceOnlyBodies">
        /// Makes a client of its own for each request whose body goes out once only, on a connection closed after its
        /// answer (on .NET Framework: HttpClients.FreshForOnceOnlyBodies); null to send those through <paramref name="client"/> too.
        /// </param>
        public HttpExchange(HttpMessageInvoker client, string userAgent, bool logExchange, Func<HttpMessageInvoker>? freshClientForOnceOnlyBodies = null)
        {
            _client = client;
            _freshClientForOnceOnlyBodies = freshClientForOnceOnlyBodies;
            _userAgent = userAgent;
            LogsExchange = logExchange;
        }

        /// <summary>Whether each request and answer is traced in full for -Debug.</summary>
        public bool LogsExchange { get; }

        /// <summary>Sends <paramref name="message"/> (disposed here) and reads its answer with <paramref name="read"/>.</summary>
        /// <param name="request">The request as the trace names it: "POST /v1/...", or a link without its query.</param>
        /// <param name="sending">Called just before the request goes out, so a caller knows the server may act on it.</param>
        /// <param name="read">Reads the answer into the attempt; an exception it lets escape is a request without an answer.</param>
        public async Task<Attempt<T>> SendAsync<T>(HttpRequestMessage message, string request, string jobId, TimeSpan timeout, Action<TraceLine> trace,
            Action? sending, Func<Answer, Task<Attempt<T>>> read, CancellationToken cancellation) where T : class
        {
            var ownClient = message.Content is OnceOnlyContent ? _freshClientForOnceOnlyBodies?.Invoke() : null;
            if (ownClient != null) message.Headers.ConnectionClose = true;
            using (ownClient)
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            {
                attemptCancellation.CancelAfter(timeout);
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response;
                using (message)
                {
                    // Built from printable ASCII only (UserAgent), so it needs no parsing here.
                    message.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
                    if (LogsExchange) trace(TraceLine.Debug(Describe(message)));
                    try
                    {
                        sending?.Invoke();
                        response = await (ownClient ?? _client).SendAsync(message, attemptCancellation.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested)
                    {
                        // A body that never went out whole means the server never had the whole request.
                        var bodyUnsent = message.Content is OnceOnlyContent body && !body.WentOutWhole;
                        return NoAnswer<T>(request, watch, TransportFault.NoAnswer(jobId, e, timeout, message), trace, bodyUnsent);
                    }
                }

                using (response)
                {
                    try
                    {
                        return await read(new Answer(this, response, request, watch, trace, attemptCancellation.Token, cancellation)).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested)
                    {
                        return NoAnswer<T>(request, watch, TransportFault.NoAnswer(jobId, e, timeout, null), trace, bodyUnsent: false);
                    }
                }
            }
        }

        /// <summary>
        /// A link or path as messages show it: no query, since a signed link's query is what grants access, and no user
        /// name or password.
        /// </summary>
        public static string Shown(Uri link) =>
            SafeText.Printable(link.IsAbsoluteUri ? link.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : link.OriginalString.Split('?')[0]);

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
            if (message.Content != null)
            {
                line.Append(" | body: ").Append(SafeText.Printable(message.Content.Headers.ContentType?.MediaType ?? "(no type)"));
                if (message.Content.Headers.ContentLength is long length) line.Append(", ").Append(length).Append(" bytes");
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

        /// <summary>Retry-After as a delay from now, from delta-seconds or an HTTP-date (a past date reads as zero).</summary>
        internal static TimeSpan? RetryAfter(HttpResponseHeaders headers)
        {
            var header = headers.RetryAfter;
            var delay = header?.Delta ?? (header?.Date - DateTimeOffset.UtcNow);
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        private static Attempt<T> NoAnswer<T>(string request, Stopwatch watch, Failure failure, Action<TraceLine> trace, bool bodyUnsent) where T : class
        {
            trace(TraceLine.Verbose(failure.Kind == ErrorKind.RequestTimedOut
                ? $"{request} -> {failure.Detail}"
                : $"{request} -> failed: {failure.Detail} ({watch.ElapsedMilliseconds} ms)"));
            // A refused certificate ends the handshake before a byte of the request is sent.
            return Attempt<T>.Failed(failure, mayHaveReachedServer: failure.Kind != ErrorKind.CertificateRejected && !bodyUnsent);
        }

        /// <summary>One answer as a reader sees it: its status, request id and time, and the ways to read and trace it.</summary>
        internal sealed class Answer
        {
            private readonly HttpExchange _exchange;
            private readonly Stopwatch _watch;
            private readonly Action<TraceLine> _trace;

            internal Answer(HttpExchange exchange, HttpResponseMessage response, string request, Stopwatch watch, Action<TraceLine> trace,
                CancellationToken attemptCancellation, CancellationToken cancellation)
            {
                Cancellation = cancellation;
                _exchange = exchange;
                Response = response;
                Request = request;
                _watch = watch;
                _trace = trace;
                AttemptCancellation = attemptCancellation;
                RequestId = RequestIdOf(response.Headers);
            }

            public HttpResponseMessage Response { get; }
            public int Status => (int)Response.StatusCode;

            /// <summary>"GET /v1/..." as the trace names the request.</summary>
            public string Request { get; }

            public string? RequestId { get; }

            /// <summary>Ends when the attempt's own time runs out, or the caller's cancellation fires.</summary>
            public CancellationToken AttemptCancellation { get; }

            /// <summary>The caller's own cancellation: Ctrl+C or an early stop, never the attempt's time.</summary>
            public CancellationToken Cancellation { get; }

            public long ElapsedMilliseconds => _watch.ElapsedMilliseconds;

            /// <summary>"GET /x -> 200 OK", as the Verbose line starts.</summary>
            public string Said => $"{Request} -> {Status} {SafeText.Printable(Response.ReasonPhrase)}";

            /// <summary>", request id X", or nothing when the answer had none.</summary>
            public string RequestIdSaid => RequestId == null ? "" : $", request id {RequestId}";

            public TimeSpan? RetryAfter => HttpExchange.RetryAfter(Response.Headers);

            public RateLimitHint? RateLimit => RateLimitHint.Of(Response.Headers, DateTimeOffset.UtcNow);

            public void Verbose(string line) => _trace(TraceLine.Verbose(line));

            /// <summary>The answer's -Debug line, with the body as the reader chose to show it.</summary>
            public void Debug(string bodyShown)
            {
                if (_exchange.LogsExchange) _trace(TraceLine.Debug(Describe(Response, _watch, RequestId, bodyShown)));
            }

            /// <summary>
            /// Reads at most <paramref name="maxBytes"/> of the body and decodes them by the declared charset, or as UTF-8
            /// (what JSON is) when the charset is missing or unknown, so no label a server sends can fail the read.
            /// </summary>
            /// <param name="cut">True to read only the first bytes of a longer body; false to refuse it with <see cref="BodyTooLargeException"/>.</param>
            public async Task<string> ReadTextAsync(int maxBytes, bool cut)
            {
                var content = Response.Content;
                if (content == null) return string.Empty;
                if (!cut && content.Headers.ContentLength > maxBytes) throw new BodyTooLargeException();
                using (var stream = await content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var buffer = new MemoryStream())
                {
                    var chunk = new byte[16 * 1024];
                    int read;
                    // One byte past the cap shows a body too large; a body that is only cut short is read no further than the cap.
                    var limit = cut ? maxBytes : maxBytes + 1L;
                    while (buffer.Length < limit && (read = await stream.ReadAsync(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length), AttemptCancellation).ConfigureAwait(false)) > 0)
                    {
                        buffer.Write(chunk, 0, read);
                    }
                    if (buffer.Length > maxBytes) throw new BodyTooLargeException();
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
        }

        internal sealed class BodyTooLargeException : Exception
        {
            public BodyTooLargeException() : base("The answer is larger than the module reads.") { }
        }
    }
}
