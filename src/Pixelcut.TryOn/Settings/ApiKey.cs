using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Pixelcut.TryOn.Settings
{
    /// <summary>
    /// Holds the key as a SecureString and reveals it only to build the X-API-KEY header,
    /// so it never sits in a field that a formatter, a log or an error record could print.
    /// Every instance holds a key that is safe as a header value: one line of printable ASCII.
    /// </summary>
    internal sealed class ApiKey
    {
        private readonly SecureString _secret;

        private ApiKey(string key)
        {
            _secret = new SecureString();
            foreach (var c in key) _secret.AppendChar(c);
            _secret.MakeReadOnly();
            Fingerprint = Hash(key);
        }

        // Only ASCII white space is trimmed: a non-breaking or other Unicode space at either end is pasted from a page,
        // and is refused with the key rather than quietly dropped.
        private static readonly char[] AsciiWhiteSpace = { ' ', '\t', '\r', '\n', '\v', '\f' };

        /// <summary>The key without surrounding white space; empty when nothing is left.</summary>
        internal static string Trimmed(SecureString secret) => Trimmed(Revealed(secret));

        /// <inheritdoc cref="Trimmed(SecureString)"/>
        internal static string Trimmed(string key) => key.Trim(AsciiWhiteSpace);

        /// <summary>
        /// Every character of the secret, a NUL included: NetworkCredential.Password stops at the first NUL, which would
        /// send a shorter key than the one given, and <see cref="Problem"/> refuses one that holds a NUL.
        /// </summary>
        private static string Revealed(SecureString secret)
        {
            var buffer = IntPtr.Zero;
            try
            {
                buffer = Marshal.SecureStringToGlobalAllocUnicode(secret);
                return Marshal.PtrToStringUni(buffer, secret.Length);
            }
            finally
            {
                if (buffer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(buffer);
            }
        }

        /// <summary>Why a trimmed key cannot be sent as a header value, without quoting any of it; null when it can.</summary>
        internal static string? Problem(string trimmedKey)
        {
            foreach (var c in trimmedKey)
            {
                if (c == '\0') return "contains a NUL character";
                if (c < ' ' || c == '\u007f') return "contains a line break or another control character";
                if (c > '\u007e') return "contains a character outside printable ASCII";
            }
            return null;
        }

        /// <summary>A key from trimmed text that <see cref="Problem"/> accepts.</summary>
        /// <exception cref="ArgumentException">The text is empty or has a problem.</exception>
        internal static ApiKey FromPlainText(string trimmedKey)
        {
            if (trimmedKey.Length == 0 || Trimmed(trimmedKey).Length != trimmedKey.Length || Problem(trimmedKey) != null)
                throw new ArgumentException("The key is empty, untrimmed or not printable ASCII.", nameof(trimmedKey));
            return new ApiKey(trimmedKey);
        }

        /// <summary>A one-way name for the key, to share state (pacing) between users of the same key.</summary>
        internal string Fingerprint { get; }

        internal string Reveal() => Revealed(_secret);

        public override string ToString() => "(API key)";

        private static string Hash(string key)
        {
            using (var sha = SHA256.Create())
            {
                return BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(key))).Replace("-", string.Empty);
            }
        }
    }
}
