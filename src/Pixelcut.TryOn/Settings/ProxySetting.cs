using System;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Pixelcut.TryOn.Settings
{
    /// <summary>
    /// How requests reach the API: the system proxy (HTTPS_PROXY and NO_PROXY, or the Windows settings), or
    /// an explicit proxy, with or without credentials. Two settings are equal when they would send the same
    /// requests the same way, so commands with equal settings share connections and others never do.
    /// </summary>
    internal sealed class ProxySetting : IEquatable<ProxySetting>
    {
        public static readonly ProxySetting System = new ProxySetting(null, null, false);

        private readonly string _identity;

        public ProxySetting(Uri? address, NetworkCredential? credential, bool useDefaultCredentials)
        {
            Address = address;
            Credential = credential;
            UseDefaultCredentials = useDefaultCredentials;
            _identity = string.Join("\n", address?.AbsoluteUri ?? "(system)", credential?.Domain ?? "", credential?.UserName ?? "",
                credential == null ? "" : Fingerprint(credential.Password), useDefaultCredentials ? "default" : "");
        }

        /// <summary>The explicit proxy; null for the system proxy.</summary>
        public Uri? Address { get; }

        public NetworkCredential? Credential { get; }

        public bool UseDefaultCredentials { get; }

        /// <summary>The credentials to answer a proxy's challenge with, if any.</summary>
        public ICredentials? Credentials => UseDefaultCredentials ? CredentialCache.DefaultCredentials : Credential;

        public bool Equals(ProxySetting? other) => other != null && string.Equals(_identity, other._identity, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as ProxySetting);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_identity);

        // Told apart by a hash, so no password is kept in the identity of a pooled client.
        private static string Fingerprint(string password)
        {
            using (var sha = SHA256.Create())
            {
                return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(password)));
            }
        }
    }
}
