using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Diagnostics;
using Pixelcut.TryOn.Settings;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// Requests to the API on the one request path: the key in its header, JSON accepted, the job's path checked before
    /// sending, and the answer read into an <see cref="ApiAnswer"/> or a failure from the table.
    /// </summary>
    internal sealed class PixelcutHttp
    {
        /// <summary>The API's bodies are a few hundred bytes; anything past this is not read.</summary>
        internal const int MaxBodyBytes = 1024 * 1024;

        private readonly HttpExchange _exchange;
        private readonly Uri _root;
        private readonly ApiKey _key;

        public PixelcutHttp(Uri baseUri, ApiKey key, HttpExchange exchange)
        {
            _root = JobPath.Root(baseUri);
            _key = key;
            _exchange = exchange;
        }

        /// <param name="sending">Called just before the request goes out, so a caller knows the server may act on it.</param>
        /// <param name="body">Makes the request's body, afresh for each attempt; null for a request without one.</param>
        public Task<Attempt<ApiAnswer>> SendAsync(HttpMethod method, string jobId, string relativePath, TimeSpan timeout,
            Action<TraceLine> trace, Action? sending, CancellationToken cancellation, Func<HttpContent>? body = null)
        {
            var uri = new Uri(_root, relativePath);
            var changed = JobPath.ChangedBy(uri, _root.AbsolutePath + relativePath);
            if (changed != null)
            {
                trace(TraceLine.Verbose($"Not sending {method} for job '{SafeText.Printable(jobId)}': {changed}."));
                return Task.FromResult(Attempt<ApiAnswer>.Failed(new Failure(ErrorKind.InvalidJobId, jobId, detail: changed)));
            }
            var message = NewRequest(method, uri);
            try
            {
                message.Content = body?.Invoke();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                message.Dispose();
                trace(TraceLine.Verbose($"Not sending {method} {uri.AbsolutePath}: {SafeText.Printable(e.Message)}"));
                return Task.FromResult(Attempt<ApiAnswer>.Failed(new Failure(ErrorKind.InvalidImage, jobId,
                    detail: "image file could not be read: " + SafeText.Printable(e.Message.TrimEnd('.')), cause: e)));
            }
            return _exchange.SendAsync(message, $"{method} {uri.AbsolutePath}", jobId, timeout, trace, sending,
                answer => ReadAsync(jobId, answer), cancellation);
        }

        private HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
        {
            var message = new HttpRequestMessage(method, uri);
            // Add, not TryAddWithoutValidation: a value with CR or LF is refused here rather than split the request.
            message.Headers.Add("X-API-KEY", _key.Reveal());
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return message;
        }

        private static async Task<Attempt<ApiAnswer>> ReadAsync(string jobId, HttpExchange.Answer answer)
        {
            string body;
            try
            {
                body = await answer.ReadTextAsync(MaxBodyBytes, cut: false).ConfigureAwait(false);
            }
            catch (HttpExchange.BodyTooLargeException e)
            {
                answer.Debug("(over the size limit, not read)");
                answer.Verbose($"{answer.Request} -> {answer.Status}, body over {MaxBodyBytes / 1024 / 1024} MiB, not read ({answer.ElapsedMilliseconds} ms{answer.RequestIdSaid})");
                return Attempt<ApiAnswer>.Failed(new Failure(ErrorKind.UnexpectedResponse, jobId, answer.Status,
                    detail: $"the answer is larger than {MaxBodyBytes / 1024 / 1024} MiB", cause: e, requestId: answer.RequestId), mayHaveReachedServer: true);
            }
            catch (Exception e) when (!answer.Cancellation.IsCancellationRequested && !TransportFault.IsTransportFault(e) && !(e is OperationCanceledException))
            {
                answer.Debug("(unreadable)");
                answer.Verbose($"{answer.Request} -> {answer.Status}, body unreadable: {SafeText.Printable(e.Message)} ({answer.ElapsedMilliseconds} ms{answer.RequestIdSaid})");
                return Attempt<ApiAnswer>.Failed(new Failure(ErrorKind.UnexpectedResponse, jobId, answer.Status,
                    detail: "the body could not be read: " + SafeText.Printable(e.Message), cause: TransportFault.PrintableCause(e), requestId: answer.RequestId),
                    mayHaveReachedServer: true);
            }
            answer.Verbose($"{answer.Said} ({answer.ElapsedMilliseconds} ms{answer.RequestIdSaid})");
            answer.Debug(body.Length == 0 ? "(none)" : SafeText.Snippet(body, 300));
            var attempt = Interpret(jobId, answer.Status, body, answer.RetryAfter, answer.RequestId, DateTime.UtcNow);
            return attempt.Failure?.Kind == ErrorKind.RateLimitExceeded
                ? Attempt<ApiAnswer>.Failed(attempt.Failure, attempt.RetryAfter, attempt.MayHaveReachedServer, answer.RateLimit)
                : attempt;
        }

        /// <summary>What an answer means: a 2xx is the operation's to read, everything else is a failure from the table.</summary>
        internal static Attempt<ApiAnswer> Interpret(string jobId, int status, string body, TimeSpan? retryAfter, string? requestId, DateTime receivedAt)
        {
            var json = Printable(JsonBody.TryParseObject(body));
            var snippet = string.IsNullOrWhiteSpace(body) ? "no body" : SafeText.Snippet(body);
            if (status >= 200 && status <= 299) return Attempt<ApiAnswer>.Succeeded(new ApiAnswer(status, json, snippet, requestId, receivedAt));

            var errorCode = JsonBody.GetString(json, "error_code");
            var kind = ErrorTable.Classify(status, errorCode);
            var detail = JsonBody.GetString(json, "error") ?? snippet;
            var failure = new Failure(kind, jobId, status, errorCode, detail, requestId: requestId);
            return Attempt<ApiAnswer>.Failed(failure, retryAfter, mayHaveReachedServer: status >= 500);
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
    }
}
