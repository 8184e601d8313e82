using System;
using System.Net.Http;
using System.Reflection;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// What an exception from the HTTP stack means for one job. Newer .NET says more than netstandard2.0 shows
    /// (HttpRequestException.StatusCode from .NET 5, HttpRequestError from .NET 8), so those are read when present.
    /// </summary>
    internal static class TransportFault
    {
        private const int ProxyAuthenticationRequired = 407;

        /// <summary>A request that got no answer: timed out when the attempt's own time ran out, else what the exception says.</summary>
        /// <param name="sent">The request that got no answer, for the host it went to and what the certificate check recorded on it.</param>
        public static Failure NoAnswer(string jobId, Exception e, TimeSpan timeout, HttpRequestMessage? sent) =>
            e is OperationCanceledException
                ? new Failure(ErrorKind.RequestTimedOut, jobId, detail: $"no answer within {timeout.TotalSeconds:0.#} s", cause: e)
                : Describe(jobId, e, sent);

        public static Failure Describe(string jobId, Exception e, HttpRequestMessage? sent = null)
        {
            var message = Innermost(e).Message.TrimEnd('.');
            var cause = PrintableCause(e);
            if (Certificates.Refusal(e, sent) is string refusal) return new Failure(ErrorKind.CertificateRejected, jobId, detail: refusal, cause: cause);
            var request = FirstOf<HttpRequestException>(e);
            // A proxy that refuses the CONNECT tunnel to an https API never lets its 407 reach us as an answer.
            if (request != null && (StatusOf(request) == ProxyAuthenticationRequired || IsProxyTunnel407(request.Message)))
                return new Failure(ErrorKind.ProxyAuthenticationRequired, jobId, ProxyAuthenticationRequired,
                    detail: "the proxy refused to open a tunnel to the API: " + SafeText.Printable(request.Message.TrimEnd('.', '"')), cause: cause);
            if (ErrorOf(e) == "InvalidResponse")
                return new Failure(ErrorKind.UnexpectedResponse, jobId, detail: "the answer is not valid HTTP: " + SafeText.Printable(message), cause: cause);
            return new Failure(ErrorKind.ConnectionFailed, jobId, detail: SafeText.Printable(message), cause: cause);
        }

        /// <summary>.NET 8 leaves StatusCode empty on a refused tunnel; its English message still names the status.</summary>
        private static bool IsProxyTunnel407(string message) =>
            message.IndexOf("proxy tunnel", StringComparison.OrdinalIgnoreCase) >= 0 && message.Contains("'407'");

        private static int? StatusOf(HttpRequestException e) =>
            e.GetType().GetProperty("StatusCode", BindingFlags.Public | BindingFlags.Instance)?.GetValue(e) is object status
                ? (int?)Convert.ToInt32(status)
                : null;

        /// <summary>The HttpRequestError of the first exception in the chain that carries one (an HttpRequestException or HttpIOException).</summary>
        private static string? ErrorOf(Exception? e)
        {
            for (; e != null; e = e.InnerException)
            {
                var error = e.GetType().GetProperty("HttpRequestError", BindingFlags.Public | BindingFlags.Instance)?.GetValue(e);
                if (error != null) return error.ToString();
            }
            return null;
        }

        /// <summary>Whether an exception is the connection's doing (a reset, a cut body), not the answer's.</summary>
        public static bool IsTransportFault(Exception e) => e is HttpRequestException || e is System.IO.IOException;

        internal static T? FirstOf<T>(Exception? e) where T : Exception
        {
            for (; e != null; e = e.InnerException)
            {
                if (e is T found) return found;
            }
            return null;
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }

        /// <summary>
        /// The exception to keep as the inner exception. .NET quotes a server's invalid status line in its message,
        /// so a chain with any unprintable text is kept as copies whose messages are printable.
        /// </summary>
        public static Exception PrintableCause(Exception e)
        {
            for (var link = e; link != null; link = link.InnerException)
            {
                if (SafeText.Printable(link.Message) != link.Message) return Copy(e);
            }
            return e;
        }

        private static Exception Copy(Exception e) =>
            new HttpRequestException(SafeText.Printable(e.Message), e.InnerException == null ? null : Copy(e.InnerException));
    }
}
