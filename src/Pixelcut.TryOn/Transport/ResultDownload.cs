using System;
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
    /// One GET of a result link, its body streamed into a file. The result host is not the API: the request carries
    /// no key, no cookie and no Authorization, and follows no redirect. Only a JPEG picture is written, so a sign-in
    /// page that a captive portal or proxy puts in its place never lands in a .jpg. Whatever happens, the outcome is a
    /// <see cref="DownloadAttempt"/>: only the caller's cancellation escapes.
    /// </summary>
    internal sealed class ResultDownload
    {
        /// <summary>A Try On render is a few MB; a body past this is not a result.</summary>
        public const long MaxResultBytes = 100L * 1024 * 1024;

        private const int RefusalBytesShown = 4096;
        private static readonly byte[] JpegSignature = { 0xFF, 0xD8, 0xFF };

        private readonly HttpMessageInvoker _client;
        private readonly string _userAgent;
        private readonly bool _logExchange;

        /// <param name="logExchange">Whether to trace each request and answer's headers for -Debug.</param>
        public ResultDownload(HttpMessageInvoker client, string userAgent, bool logExchange)
        {
            _client = client;
            _userAgent = userAgent;
            _logExchange = logExchange;
        }

        /// <summary>The link to fetch, or why none is fetched: it must be https (http only to this machine), without a user name or password.</summary>
        public static (Uri? Link, string? Problem) Checked(string? resultUrl)
        {
            if (string.IsNullOrWhiteSpace(resultUrl)) return (null, "the job's status gives no result link");
            if (!Uri.TryCreate(resultUrl, UriKind.Absolute, out var link)) return (null, $"the result link {SafeText.Snippet(resultUrl!)} is not an absolute address");
            if (!JobPath.IsEncryptedOrLoopback(link))
                return (null, link.Scheme == Uri.UriSchemeHttp
                    ? $"the result link '{Shown(link)}' uses plain http to a host that is not this machine, so nothing was sent"
                    : $"the result link '{Shown(link)}' is not an https address, so nothing was sent");
            if (link.UserInfo.Length > 0) return (null, "the result link carries a user name or password, so nothing was sent");
            return (link, null);
        }

        /// <summary>A link as messages show it: no query, since a signed link's query is what grants access.</summary>
        public static string Shown(Uri link) => SafeText.Printable(link.IsAbsoluteUri ? link.GetLeftPart(UriPartial.Path) : link.OriginalString.Split('?')[0]);

        /// <param name="open">Gives the stream for the body, once the answer has shown it is a JPEG picture; the caller disposes it.</param>
        /// <param name="received">Told how many bytes were written each time some were, for progress.</param>
        public async Task<DownloadAttempt> GetAsync(string jobId, Uri link, Func<Stream> open, TimeSpan timeout, Action<TraceLine> trace,
            Action<int> received, CancellationToken cancellation)
        {
            var request = "GET " + Shown(link);
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            {
                attemptCancellation.CancelAfter(timeout);
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response;
                using (var message = NewRequest(link))
                {
                    if (_logExchange) trace(TraceLine.Debug(PixelcutHttp.Describe(message)));
                    try
                    {
                        response = await _client.SendAsync(message, attemptCancellation.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellation.IsCancellationRequested)
                    {
                        var failure = TransportFault.NoAnswer(jobId, e, timeout, message);
                        trace(TraceLine.Verbose($"{request} -> {failure.Detail} ({watch.ElapsedMilliseconds} ms)"));
                        return DownloadAttempt.Failed(failure);
                    }
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    var answer = $"{request} -> {status} {SafeText.Printable(response.ReasonPhrase)}";
                    if (status < 200 || status > 299)
                    {
                        var refusal = await RefusalAsync(jobId, response, attemptCancellation.Token, cancellation).ConfigureAwait(false);
                        if (_logExchange) trace(TraceLine.Debug(PixelcutHttp.Describe(response, watch, PixelcutHttp.RequestIdOf(response.Headers), refusal.Detail ?? "(none)")));
                        trace(TraceLine.Verbose($"{answer} ({watch.ElapsedMilliseconds} ms)"));
                        return DownloadAttempt.Failed(refusal, PixelcutHttp.RetryAfter(response.Headers));
                    }
                    if (_logExchange) trace(TraceLine.Debug(PixelcutHttp.Describe(response, watch, PixelcutHttp.RequestIdOf(response.Headers), "(a picture, not shown)")));
                    var outcome = await ReadPictureAsync(jobId, status, response.Content, open, received, timeout, attemptCancellation.Token, cancellation).ConfigureAwait(false);
                    trace(TraceLine.Verbose(outcome.Failure == null
                        ? $"{answer}, {outcome.Bytes} bytes in {watch.ElapsedMilliseconds} ms"
                        : $"{answer}, not saved: {outcome.Failure.Detail} ({watch.ElapsedMilliseconds} ms)"));
                    return outcome;
                }
            }
        }

        private HttpRequestMessage NewRequest(Uri link)
        {
            var message = new HttpRequestMessage(HttpMethod.Get, link);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/jpeg"));
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
            // Built from printable ASCII only (UserAgent), so it needs no parsing here.
            message.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
            return message;
        }

        /// <summary>
        /// What an answer other than 2xx means. A 403 or 404 is what a result host says of a link past its time; 429 and
        /// 5xx are the retry policy's to judge, as for the API; a redirect is never followed, since the link's owner chose
        /// where the result lives and a portal or proxy chose where a redirect points.
        /// </summary>
        private static async Task<Failure> RefusalAsync(string jobId, HttpResponseMessage response, CancellationToken attempt, CancellationToken cancellation)
        {
            var status = (int)response.StatusCode;
            if (status >= 300 && status <= 399)
            {
                var location = response.Headers.Location;
                var where = location == null ? "without saying where" : $"to '{Shown(location)}'";
                return new Failure(ErrorKind.DownloadFailed, jobId, status, detail: $"the result host redirected {where}; redirects are not followed");
            }
            var body = await ReadStartAsync(response.Content, attempt, cancellation).ConfigureAwait(false);
            var said = $"the result host answered {status} {SafeText.Printable(response.ReasonPhrase)}: {body}";
            switch (status)
            {
                case 403:
                case 404:
                    return new Failure(ErrorKind.ResultExpired, jobId, status, detail: said);
                case 407:
                case 429:
                    return new Failure(ErrorTable.Classify(status), jobId, status, detail: said);
                default:
                    return new Failure(status >= 500 ? ErrorKind.ServerError : ErrorKind.DownloadFailed, jobId, status, detail: said);
            }
        }

        /// <summary>The start of a refusal's body, on one line; "no body" when there is none or it cannot be read.</summary>
        private static async Task<string> ReadStartAsync(HttpContent? content, CancellationToken attempt, CancellationToken cancellation)
        {
            if (content == null) return "no body";
            try
            {
                using (var stream = await content.ReadAsStreamAsync().ConfigureAwait(false))
                {
                    var buffer = new byte[RefusalBytesShown];
                    var count = await FillAsync(stream, buffer, buffer.Length, attempt).ConfigureAwait(false);
                    var text = Encoding.UTF8.GetString(buffer, 0, count);
                    return string.IsNullOrWhiteSpace(text) ? "no body" : SafeText.Snippet(text);
                }
            }
            catch (Exception) when (!cancellation.IsCancellationRequested)
            {
                return "a body that could not be read";
            }
        }

        /// <summary>Reads a 2xx body into the stream <paramref name="open"/> gives, once its first bytes show a JPEG picture.</summary>
        private static async Task<DownloadAttempt> ReadPictureAsync(string jobId, int status, HttpContent? content, Func<Stream> open,
            Action<int> received, TimeSpan timeout, CancellationToken attempt, CancellationToken cancellation)
        {
            var declared = content?.Headers.ContentLength;
            var contentType = content?.Headers.ContentType?.ToString();
            if (declared > MaxResultBytes)
                return DownloadAttempt.Failed(new Failure(ErrorKind.DownloadFailed, jobId, status, detail: $"the answer is larger than {MaxResultBytes / 1024 / 1024} MiB"));
            var buffer = new byte[81920];
            long written = 0;
            try
            {
                using (var body = content == null ? Stream.Null : await content.ReadAsStreamAsync().ConfigureAwait(false))
                {
                    var count = await FillAsync(body, buffer, JpegSignature.Length, attempt).ConfigureAwait(false);
                    if (!StartsWithJpegSignature(buffer, count))
                        return DownloadAttempt.Failed(new Failure(ErrorKind.DownloadFailed, jobId, status, detail: NotAPicture(contentType, buffer, count)));
                    Stream destination;
                    try
                    {
                        destination = open();
                    }
                    catch (Exception e) when (IsFileFault(e))
                    {
                        return WriteFailed(jobId, status, e);
                    }
                    while (count > 0)
                    {
                        if (written + count > MaxResultBytes)
                            return DownloadAttempt.Failed(new Failure(ErrorKind.DownloadFailed, jobId, status, detail: $"the answer is larger than {MaxResultBytes / 1024 / 1024} MiB"));
                        try
                        {
                            await destination.WriteAsync(buffer, 0, count, cancellation).ConfigureAwait(false);
                        }
                        catch (Exception e) when (IsFileFault(e))
                        {
                            return WriteFailed(jobId, status, e);
                        }
                        written += count;
                        received(count);
                        count = await body.ReadAsync(buffer, 0, buffer.Length, attempt).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                return Cut(TransportFault.NoAnswer(jobId, e, timeout, null), written);
            }
            // A body that closed early without the transport noticing (no length, or a connection: close body).
            if (declared.HasValue && written != declared.Value)
                return Cut(new Failure(ErrorKind.ConnectionFailed, jobId, detail: $"{declared.Value} bytes were announced",
                    cause: new EndOfStreamException($"The body ended after {written} of {declared.Value} bytes.")), written);
            return DownloadAttempt.Succeeded(written);
        }

        /// <summary>A body cut short: no whole answer came, so it counts as a connection failure, which the retry policy retries.</summary>
        private static DownloadAttempt Cut(Failure failure, long written) =>
            DownloadAttempt.Failed(new Failure(failure.Kind, failure.JobId, detail: $"the body was cut after {written} bytes: {failure.Detail}", cause: failure.Cause));

        private static DownloadAttempt WriteFailed(string jobId, int status, Exception e) =>
            DownloadAttempt.Failed(new Failure(ErrorKind.DownloadFailed, jobId, status, detail: "the file could not be written: " + SafeText.Printable(e.Message), cause: e));

        private static bool IsFileFault(Exception e) => e is IOException || e is UnauthorizedAccessException;

        private static bool StartsWithJpegSignature(byte[] buffer, int count)
        {
            if (count < JpegSignature.Length) return false;
            for (var i = 0; i < JpegSignature.Length; i++)
            {
                if (buffer[i] != JpegSignature[i]) return false;
            }
            return true;
        }

        /// <summary>What came instead of a picture: its content type, and its start when it is text (a sign-in page says whose).</summary>
        internal static string NotAPicture(string? contentType, byte[] start, int count)
        {
            var type = string.IsNullOrWhiteSpace(contentType) ? "no content type" : SafeText.Printable(contentType);
            if (count == 0) return $"the answer is empty ({type}), not a JPEG picture";
            var isText = contentType != null && (contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) ||
                contentType.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0 || contentType.IndexOf("xml", StringComparison.OrdinalIgnoreCase) >= 0 ||
                contentType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0);
            var shown = isText
                ? SafeText.Snippet(Encoding.UTF8.GetString(start, 0, count), 80)
                : "bytes " + BitConverter.ToString(start, 0, Math.Min(count, 8)).Replace('-', ' ');
            return $"the answer is {type}, not a JPEG picture; it starts {shown}";
        }

        /// <summary>Reads until <paramref name="minimum"/> bytes or the end of the body, whichever comes first.</summary>
        private static async Task<int> FillAsync(Stream stream, byte[] buffer, int minimum, CancellationToken cancellation)
        {
            var count = 0;
            while (count < minimum)
            {
                var read = await stream.ReadAsync(buffer, count, buffer.Length - count, cancellation).ConfigureAwait(false);
                if (read == 0) break;
                count += read;
            }
            return count;
        }
    }

    /// <summary>One download: the bytes written, or a failure.</summary>
    internal sealed class DownloadAttempt
    {
        private DownloadAttempt(long bytes, Failure? failure, TimeSpan? retryAfter)
        {
            Bytes = bytes;
            Failure = failure;
            RetryAfter = retryAfter;
        }

        public long Bytes { get; }
        public Failure? Failure { get; }

        /// <summary>What the result host asked for in Retry-After, if it said anything.</summary>
        public TimeSpan? RetryAfter { get; }

        public static DownloadAttempt Succeeded(long bytes) => new DownloadAttempt(bytes, null, null);
        public static DownloadAttempt Failed(Failure failure, TimeSpan? retryAfter = null) => new DownloadAttempt(0, failure, retryAfter);
    }
}
