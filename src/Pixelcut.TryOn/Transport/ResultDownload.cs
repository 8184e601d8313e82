using System;
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
    /// One GET of a result link, its body streamed into a file. The result host is not the API: the request carries
    /// no key, no cookie and no Authorization, and follows no redirect. Only a JPEG picture is written, so a sign-in
    /// page that a captive portal or proxy puts in its place never lands in a .jpg. Whatever happens, the outcome is an
    /// <see cref="Attempt{T}"/>: only the caller's cancellation escapes.
    /// </summary>
    internal sealed class ResultDownload
    {
        /// <summary>A Try On render is a few MB; a body past this is not a result.</summary>
        public const long MaxResultBytes = 100L * 1024 * 1024;

        private const int RefusalBytesShown = 4096;
        private static readonly byte[] JpegSignature = { 0xFF, 0xD8, 0xFF };

        private readonly HttpExchange _exchange;

        public ResultDownload(HttpExchange exchange) => _exchange = exchange;

        /// <summary>The link to fetch, or why none is fetched: it must be https (http only to this machine), without a user name or password.</summary>
        public static (Uri? Link, string? Problem) Checked(string? resultUrl)
        {
            if (string.IsNullOrWhiteSpace(resultUrl)) return (null, "the job's status gives no result link");
            if (!Uri.TryCreate(resultUrl, UriKind.Absolute, out var link)) return (null, $"the result link {SafeText.Snippet(resultUrl!)} is not an absolute address");
            if (!JobPath.IsEncryptedOrLoopback(link))
                return (null, link.Scheme == Uri.UriSchemeHttp
                    ? $"the result link '{HttpExchange.Shown(link)}' uses plain http to a host that is not this machine, so nothing was sent"
                    : $"the result link '{HttpExchange.Shown(link)}' is not an https address, so nothing was sent");
            if (link.UserInfo.Length > 0) return (null, "the result link carries a user name or password, so nothing was sent");
            return (link, null);
        }

        /// <param name="open">Gives the stream for the body, once the answer has shown it is a JPEG picture; the caller disposes it.</param>
        /// <param name="received">Told how many bytes were written each time some were, for progress.</param>
        public Task<Attempt<SavedBytes>> GetAsync(string jobId, Uri link, Func<Stream> open, TimeSpan timeout, Action<TraceLine> trace,
            Action<int> received, CancellationToken cancellation) =>
            _exchange.SendAsync(NewRequest(link), "GET " + HttpExchange.Shown(link), jobId, timeout, trace, null,
                answer => ReadAsync(jobId, answer, open, received, timeout, cancellation), cancellation);

        private static HttpRequestMessage NewRequest(Uri link)
        {
            var message = new HttpRequestMessage(HttpMethod.Get, link);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/jpeg"));
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
            return message;
        }

        private static async Task<Attempt<SavedBytes>> ReadAsync(string jobId, HttpExchange.Answer answer, Func<Stream> open, Action<int> received,
            TimeSpan timeout, CancellationToken cancellation)
        {
            var status = answer.Status;
            if (status < 200 || status > 299)
            {
                var refusal = await RefusalAsync(jobId, answer, cancellation).ConfigureAwait(false);
                answer.Debug(refusal.Detail ?? "(none)");
                answer.Verbose($"{answer.Said} ({answer.ElapsedMilliseconds} ms)");
                return Attempt<SavedBytes>.Failed(refusal, answer.RetryAfter);
            }
            answer.Debug("(a picture, not shown)");
            var outcome = await ReadPictureAsync(jobId, status, answer.Response.Content, open, received, timeout, answer.AttemptCancellation, cancellation).ConfigureAwait(false);
            answer.Verbose(outcome.Failure == null
                ? $"{answer.Said}, {outcome.Value!.Bytes} bytes in {answer.ElapsedMilliseconds} ms"
                : $"{answer.Said}, not saved: {outcome.Failure.Detail} ({answer.ElapsedMilliseconds} ms)");
            return outcome;
        }

        /// <summary>What an answer other than 2xx means, by the table; a redirect is never followed, since the link's owner chose where the result lives.</summary>
        private static async Task<Failure> RefusalAsync(string jobId, HttpExchange.Answer answer, CancellationToken cancellation)
        {
            var status = answer.Status;
            if (status >= 300 && status <= 399)
            {
                var location = answer.Response.Headers.Location;
                var where = location == null ? "without saying where" : $"to '{HttpExchange.Shown(location)}'";
                return new Failure(ErrorKind.DownloadFailed, jobId, status, detail: $"the result host redirected {where}; redirects are not followed");
            }
            string body;
            try
            {
                var text = await answer.ReadTextAsync(RefusalBytesShown, cut: true).ConfigureAwait(false);
                body = string.IsNullOrWhiteSpace(text) ? "no body" : SafeText.Snippet(text);
            }
            catch (Exception) when (!cancellation.IsCancellationRequested)
            {
                body = "a body that could not be read";
            }
            return new Failure(ErrorTable.ClassifyDownload(status), jobId, status,
                detail: $"the result host answered {status} {SafeText.Printable(answer.Response.ReasonPhrase)}: {body}");
        }

        /// <summary>Reads a 2xx body into the stream <paramref name="open"/> gives, once its first bytes show a JPEG picture.</summary>
        private static async Task<Attempt<SavedBytes>> ReadPictureAsync(string jobId, int status, HttpContent? content, Func<Stream> open,
            Action<int> received, TimeSpan timeout, CancellationToken attempt, CancellationToken cancellation)
        {
            var declared = content?.Headers.ContentLength;
            var contentType = content?.Headers.ContentType?.ToString();
            if (declared > MaxResultBytes)
                return TooLarge(jobId, status);
            var buffer = new byte[81920];
            long written = 0;
            try
            {
                using (var body = content == null ? Stream.Null : await content.ReadAsStreamAsync().ConfigureAwait(false))
                {
                    var count = await FillAsync(body, buffer, JpegSignature.Length, attempt).ConfigureAwait(false);
                    if (!StartsWithJpegSignature(buffer, count))
                        return Attempt<SavedBytes>.Failed(new Failure(ErrorKind.DownloadFailed, jobId, status, detail: NotAPicture(contentType, buffer, count)));
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
                            return TooLarge(jobId, status);
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
            return Attempt<SavedBytes>.Succeeded(new SavedBytes(written));
        }

        /// <summary>A body cut short: no whole answer came, so it counts as a connection failure, which the retry policy retries.</summary>
        private static Attempt<SavedBytes> Cut(Failure failure, long written) =>
            Attempt<SavedBytes>.Failed(new Failure(failure.Kind, failure.JobId, detail: $"the body was cut after {written} bytes: {failure.Detail}", cause: failure.Cause));

        private static Attempt<SavedBytes> TooLarge(string jobId, int status) =>
            Attempt<SavedBytes>.Failed(new Failure(ErrorKind.DownloadFailed, jobId, status, detail: $"the answer is larger than {MaxResultBytes / 1024 / 1024} MiB"));

        private static Attempt<SavedBytes> WriteFailed(string jobId, int status, Exception e) =>
            Attempt<SavedBytes>.Failed(new Failure(ErrorKind.DownloadFailed, jobId, status, detail: "the file could not be written: " + SafeText.Printable(e.Message), cause: e));

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

    /// <summary>What a download gave: the bytes of the picture written.</summary>
    internal sealed class SavedBytes
    {
        public SavedBytes(long bytes) => Bytes = bytes;

        public long Bytes { get; }
    }
}
