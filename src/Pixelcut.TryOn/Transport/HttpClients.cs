using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Security;
using System.Runtime.CompilerServices;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// One client per distinct proxy setting, for the whole process: sockets are scarce in automation sandboxes,
    /// and a connection opened through one proxy must never carry a request meant for another. The key is a
    /// per-request header, never client state, so every key shares these.
    /// </summary>
    internal static class HttpClients
    {
        private static readonly ConcurrentDictionary<ProxySetting, Lazy<HttpMessageInvoker>> ByProxy =
            new ConcurrentDictionary<ProxySetting, Lazy<HttpMessageInvoker>>();

        public static HttpMessageInvoker For(ProxySetting proxy)
        {
            Platform.PrepareOnce();
            return ByProxy.GetOrAdd(proxy, setting => new Lazy<HttpMessageInvoker>(() => Create(setting))).Value;
        }

        /// <summary>How many clients the process holds, one per proxy setting seen.</summary>
        internal static int Count => ByProxy.Count;

        // An invoker rather than an HttpClient, so the body is never buffered whole before the size cap applies.
        private static HttpMessageInvoker Create(ProxySetting proxy)
        {
            var handler = new HttpClientHandler
            {
                // Redirects are not followed: the key header would travel to wherever a redirect points.
                AllowAutoRedirect = false,
                // No cookie jar: a cookie set for one key's answer must never travel with another key's request.
                UseCookies = false,
            };
            if (proxy.Address != null)
            {
                handler.UseProxy = true;
                handler.Proxy = new ExplicitProxy(proxy.Address, proxy.Credentials);
            }
            else if (proxy.Credentials != null)
            {
                SetSystemProxyCredentials(handler, proxy);
            }
            AcceptOnlyValidCertificates(handler);
            RaiseConnectionLimit(handler);
            return new HttpMessageInvoker(handler, disposeHandler: true);
        }

        // The members below exist from .NET Framework 4.7.1 on. Each is touched in a method of its own, so an older
        // framework fails only that step, never the module's start-up (the manifest asks for 4.7.2 anyway).

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void SetSystemProxyCredentials(HttpClientHandler handler, ProxySetting proxy)
        {
            try
            {
                handler.DefaultProxyCredentials = proxy.Credentials;
            }
            catch (Exception e) when (e is MissingMethodException || e is PlatformNotSupportedException)
            {
                // Without the member the system proxy is used without credentials, and answers 407 if it needs them.
            }
        }

        /// <summary>
        /// The handler's own check, so a process-wide ServicePointManager callback set by any other script
        /// (often one that accepts everything) does not decide for this module's requests.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void AcceptOnlyValidCertificates(HttpClientHandler handler)
        {
            try
            {
                handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) => Certificates.Accept(errors);
            }
            catch (Exception e) when (e is MissingMethodException || e is PlatformNotSupportedException)
            {
                // Without the member the platform's own validation applies.
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RaiseConnectionLimit(HttpClientHandler handler)
        {
            try
            {
                handler.MaxConnectionsPerServer = 64;
            }
            catch (Exception e) when (e is MissingMethodException || e is PlatformNotSupportedException)
            {
                // Older frameworks keep their own per-server limit.
            }
        }
    }

    internal static class Certificates
    {
        /// <summary>A certificate is accepted only when the platform found nothing wrong with it.</summary>
        public static bool Accept(SslPolicyErrors errors) => errors == SslPolicyErrors.None;
    }
}
