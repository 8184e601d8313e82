using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

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
        private const string ProxyProperty = "Pixelcut.TryOn.Proxy";

        // .NET raises the same exception for the proxy's certificate as for the server's; only the frame that opens the
        // tunnel through an https proxy, on the stack when the proxy's own handshake fails, tells them apart.
        private const string ProxyTunnelFrame = "EstablishProxyTunnel";

        // The names as .NET writes them, each with its words; the most telling come first.
        private static readonly (string Name, string Words)[] Words =
        {
            ("RemoteCertificateNameMismatch", "its name does not match '{0}', the name asked for"),
            ("UntrustedRoot", "it is not trusted (it was issued by a certificate authority this machine does not trust)"),
            ("PartialChain", "it is not trusted (its chain does not lead to a certificate authority this machine trusts)"),
            ("NotTimeValid", "it has expired or is not yet valid"),
            ("Revoked", "it was revoked"),
            ("RevocationStatusUnknown", "whether it was revoked could not be checked"),
            ("OfflineRevocation", "whether it was revoked could not be checked"),
            ("NotSignatureValid", "its signature is not valid"),
            ("NotValidForUsage", "it is not meant for a server"),
            ("RemoteCertificateNotAvailable", "the server sent no certificate"),
        };

        // Said only when nothing more telling was named.
        private const string ChainErrors = "its chain is not valid";

        /// <summary>.NET Framework's check: a certificate is accepted only when the platform found nothing wrong with it; a refusal is recorded on the request.</summary>
        public static bool Check(HttpRequestMessage? request, X509Chain? chain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None) return true;
            if (request != null) request.Properties[RecordedProperty] = Names(errors, chain);
            return false;
        }

        /// <summary>The names .NET gives what it found: the policy errors, then the chain's status flags.</summary>
        internal static string Names(SslPolicyErrors errors, X509Chain? chain)
        {
            var statuses = chain?.ChainStatus.Select(status => status.Status.ToString()) ?? Enumerable.Empty<string>();
            return string.Join(", ", new[] { errors.ToString() }.Concat(statuses));
        }

        /// <summary>Notes the proxy given for a request (null for the system's), for <see cref="Refusal"/>.</summary>
        public static void NameProxy(HttpRequestMessage request, Uri? proxy) => request.Properties[ProxyProperty] = proxy;

        /// <summary>
        /// Whose certificate was refused and why, in words ("the certificate of api.example was refused: its name does not
        /// match ..."), or null when <paramref name="e"/> is not a refused certificate (a TLS failure of another kind, such
        /// as a server that does not speak TLS, is not).
        /// </summary>
        public static string? Refusal(Exception e, HttpRequestMessage? request)
        {
            var refused = FirstOf<AuthenticationException>(e);
            if (refused == null) return null;
            var askedFor = request?.RequestUri?.Host;
            var whose = askedFor ?? "the server";
            if (ThroughProxyTunnel(e))
            {
                var proxy = request != null && request.Properties.TryGetValue(ProxyProperty, out var named) ? named as Uri : null;
                askedFor = proxy?.Host;
                whose = proxy == null ? "the system's proxy (HTTPS_PROXY or the system settings)" : "the proxy " + proxy.Host;
            }
            var reasons = Reasons(refused, askedFor ?? "the proxy's address", request);
            return reasons == null ? null : $"the certificate of {whose} was refused: {reasons}";
        }

        private static bool ThroughProxyTunnel(Exception? e)
        {
            for (; e != null; e = e.InnerException)
            {
                if (e.StackTrace?.IndexOf(ProxyTunnelFrame, StringComparison.Ordinal) >= 0) return true;
            }
            return false;
        }

        private static string? Reasons(AuthenticationException refused, string askedFor, HttpRequestMessage? request)
        {
            var said = refused.Message;
            if (request != null && request.Properties.TryGetValue(RecordedProperty, out var recorded)) said += " " + recorded;
            var found = new List<string>();
            foreach (var reason in Words)
            {
                var words = string.Format(reason.Words, askedFor);
                if (Names(said, reason.Name) && !found.Contains(words)) found.Add(words);
            }
            if (found.Count == 0 && Names(said, nameof(SslPolicyErrors.RemoteCertificateChainErrors))) found.Add(ChainErrors);
            return found.Count == 0 ? null : string.Join("; ", found);
        }

        private static bool Names(string text, string name) => Regex.IsMatch(text, @"\b" + name + @"\b");

        private static T? FirstOf<T>(Exception? e) where T : Exception
        {
            for (; e != null; e = e.InnerException)
            {
                if (e is T found) return found;
            }
            return null;
        }
    }
}
