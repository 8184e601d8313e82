using System;

namespace Pixelcut.TryOn.Api
{
    /// <summary>Turns a job id into exactly one path segment, or says why it cannot be one.</summary>
    internal static class JobPath
    {
        /// <summary>Why the id cannot travel as a path segment; null when it can.</summary>
        public static string? Problem(string? jobId)
        {
            if (jobId == null || jobId.Length == 0) return "it is empty";
            if (string.IsNullOrWhiteSpace(jobId)) return "it is only white space";
            if (jobId == "." || jobId == "..") return "'.' and '..' would name another path";
            foreach (var c in jobId)
            {
                if (char.IsControl(c)) return "it contains a control character";
            }
            return null;
        }

        /// <summary>The path of a job below the base URI, the id escaped as one segment.</summary>
        public static string For(string jobId, string suffix = "") =>
            "v1/try-on/job/" + Uri.EscapeDataString(jobId) + suffix;

        /// <summary>The base URI with a trailing slash, so a path prefix (a proxy, a gateway) is kept.</summary>
        public static Uri Root(Uri baseUri)
        {
            var text = baseUri.GetLeftPart(UriPartial.Path);
            return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
        }

        public static bool IsLoopback(Uri uri) =>
            uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
    }
}
