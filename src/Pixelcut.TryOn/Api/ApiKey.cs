using System;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Pixelcut.TryOn.Api
{
    /// <summary>
    /// Holds the key as a SecureString and reveals it only to build the X-API-KEY header,
    /// so it never sits in a field that a formatter, a log or an error record could print.
    /// </summary>
    public sealed class ApiKey
    {
        private readonly SecureString _secret;

        public ApiKey(SecureString secret)
        {
            _secret = secret.Copy();
            _secret.MakeReadOnly();
            Fingerprint = Hash(Reveal());
        }

        public static ApiKey FromPlainText(string key)
        {
            var secret = new SecureString();
            foreach (var c in key) secret.AppendChar(c);
            return new ApiKey(secret);
        }

        /// <summary>A one-way name for the key, to share state (pacing) between users of the same key.</summary>
        internal string Fingerprint { get; }

        internal string Reveal() => new NetworkCredential(string.Empty, _secret).Password;

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
