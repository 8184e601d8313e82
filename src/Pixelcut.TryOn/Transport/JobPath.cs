using System;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>Turns a job id into exactly one path segment, or says why it cannot be one.</summary>
    internal static class JobPath
    {
        /// <summary>Longer than any id the API hands out, short enough that no URL limit is reached.</summary>
        public const int MaxJobIdLength = 1024;

        /// <summary>Why the id cannot travel as a path segment; null when it can.</summary>
        public static string? Problem(string? jobId)
        {
            if (jobId == null || jobId.Length == 0) return "it is empty";
            if (string.IsNullOrWhiteSpace(jobId)) return "it is only white space";
            if (jobId.Length > MaxJobIdLength) return $"it is {jobId.Length} characters long, more than the {MaxJobIdLength} a job id may have";
            if (jobId == "." || jobId == "..") return "'.' and '..' would name another path";
            for (var i = 0; i < jobId.Length; i++)
            {
                var c = jobId[i];
                if (char.IsHighSurrogate(c) && i + 1 < jobId.Length && char.IsLowSurrogate(jobId[i + 1])) { i++; continue; }
                if (char.IsSurrogate(c)) return "it contains an unpaired UTF-16 surrogate, which no text encoding can send";
                if (char.IsControl(c)) return "it contains a control character";
                if (SafeText.IsUnsafe(c)) return "it contains a text-direction control character";
            }
            return null;
        }

        /// <summary>The path of a job below the base URI, the id escaped as one segment.</summary>
        public static string For(string jobId, string suffix = "") =>
            "v1/try-on/job/" + Uri.EscapeDataString(jobId) + suffix;

        /// <summary>
        /// Why the request would not go to the path the module built, or null when it would. Windows PowerShell's
        /// legacy System.Uri may unescape %2F and %2E and trim trailing dots, so an id could name another endpoint:
        /// such a request is never sent.
        /// </summary>
        public static string? ChangedBy(Uri uri, string builtPath) =>
            string.Equals(uri.AbsolutePath, builtPath, StringComparison.Ordinal)
                ? null
                : $"this platform would send it to '{SafeText.Printable(uri.AbsolutePath)}' instead of '{SafeText.Printable(builtPath)}', so nothing was sent";

        /// <summary>The base URI with a trailing slash, so a path prefix (a proxy, a gateway) is kept.</summary>
        public static Uri Root(Uri baseUri)
        {
            var text = baseUri.GetLeftPart(UriPartial.Path);
            return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
        }

        /// <summary>https, or plain http only to this machine: nothing the module sends crosses a network in clear text.</summary>
        public static bool IsEncryptedOrLoopback(Uri uri) =>
            uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)));

        public static bool IsLoopback(Uri uri) =>
            uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
    }
}
