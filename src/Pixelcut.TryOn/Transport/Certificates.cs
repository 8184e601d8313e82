using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// Why the platform refused a server's certificate, in words. .NET names what it found in its message, as the names of
    /// SslPolicyErrors and X509ChainStatusFlags ("...errors in the certificate chain: PartialChain"); .NET Framework says
    /// only that the callback refused, so there the module's own callback records the same names on the request.
    /// </summary>
    internal static class Certificates
    {
        private const string RecordedProperty = "Pixelcut.TryOn.CertificateRefusal";
        private const string ProxyHostProperty = "Pixelcut.TryOn.ProxyHost";

        // .NET raises the same exception for the proxy's certificate as for the server's; only the frame that opens the
        // tunnel through an https proxy, on the stack when the proxy's own handshake fails, tells them apart.
        private const string ProxyTunnelFrame = "EstablishProxyTunnel";

        // Every message .NET and .NET Framework give a certificate they refused starts so; other TLS failures do not.
        private const string RefusedCertificate = "remote certificate";

        // The names as .NET writes them, each with its words; the most telling come first. {0} is the name asked for.
        private static readonly (string Name, string Reason)[] Reasons =
        {
            ("RemoteCertificateNameMismatch", "its name does not match {0}"),
            ("UntrustedRoot", "it is not trusted (it was issued by a certificate authority this machine does not trust)"),
            ("PartialChain", "it is not trusted (its chain does not lead to a certificate authority this machine trusts)"),
            ("ExplicitDistrust", "it is not trusted (this machine distrusts it explicitly)"),
            ("NotTimeValid", "it has expired or is not yet valid"),
            ("Revoked", "it was revoked"),
            ("RevocationStatusUnknown", "whether it was revoked could not be checked"),
            ("OfflineRevocation", "whether it was revoked could not be checked"),
            ("NotSignatureValid", "its signature is not valid"),
            ("NotValidForUsage", "it is not meant for a server"),
            ("RemoteCertificateNotAvailable", "the server sent no certificate"),
        };

        /// <summary>.NET Framework's check: a certificate is accepted only when the platform found nothing wrong with it; a refusal is recorded on the request.</summary>
        public static bool Check(HttpRequestMessage? request, X509Chain? chain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None) return true;
            if (request != null) request.Properties[RecordedProperty] = NamesOf(errors, chain);
            return false;
        }

        /// <summary>The names .NET gives what it found: the policy errors, then the chain's status flags.</summary>
        internal static string NamesOf(SslPolicyErrors errors, X509Chain? chain)
        {
            var statuses = chain?.ChainStatus.Select(status => status.Status.ToString()) ?? Enumerable.Empty<string>();
            return string.Join(", ", new[] { errors.ToString() }.Concat(statuses));
        }

        /// <summary>Notes the host of the proxy a request goes through (null for none known), for <see cref="Refusal"/>; never its address, which may carry a password.</summary>
        public static void NameProxy(HttpRequestMessage request, string? proxyHost) => request.Properties[ProxyHostProperty] = proxyHost;

        /// <summary>
        /// Whose certificate was refused and why, in words ("the certificate of api.example was refused: its name does not
        /// match ..."), or null when <paramref name="e"/> is not a refused certificate (a TLS failure of another kind, such
        /// as a server that does not speak TLS, is not).
        /// </summary>
        public static string? Refusal(Exception e, HttpRequestMessage? request)
        {
            var refused = TransportFault.FirstOf<AuthenticationException>(e);
            if (refused == null || refused.Message.IndexOf(RefusedCertificate, StringComparison.OrdinalIgnoreCase) < 0) return null;
            var said = refused.Message;
            if (request != null && request.Properties.TryGetValue(RecordedProperty, out var recorded)) said += " " + recorded;

            var whose = request?.RequestUri?.Host;
            var askedFor = whose == null ? "the name asked for" : $"'{whose}', the name asked for";
            if (ThroughProxyTunnel(e))
            {
                var proxyHost = request != null && request.Properties.TryGetValue(ProxyHostProperty, out var named) ? named as string : null;
                whose = proxyHost == null ? "the system's proxy (HTTPS_PROXY or the system settings)" : "the proxy " + proxyHost;
                askedFor = proxyHost == null ? "the proxy's name" : $"'{proxyHost}', the proxy's name";
            }
            return $"the certificate of {whose ?? "the server"} was refused: {Explained(said, askedFor)}";
        }

        /// <summary>The reasons named in what .NET said, each once; the platform's own words when it named none this module knows.</summary>
        private static string Explained(string said, string askedFor)
        {
            var found = new List<string>();
            foreach (var (name, reason) in Reasons)
            {
                var words = string.Format(reason, askedFor);
                if (Regex.IsMatch(said, @"\b" + name + @"\b") && !found.Contains(words)) found.Add(words);
            }
            return found.Count > 0 ? string.Join("; ", found) : "the platform said: " + SafeText.Printable(said.TrimEnd('.'));
        }

        private static bool ThroughProxyTunnel(Exception? e)
        {
            for (; e != null; e = e.InnerException)
            {
                if (e.StackTrace?.IndexOf(ProxyTunnelFrame, StringComparison.Ordinal) >= 0) return true;
            }
            return false;
        }
    }
}
