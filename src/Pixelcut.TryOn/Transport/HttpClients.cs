using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Settings;

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
            return ByProxy.GetOrAdd(proxy, setting => new Lazy<HttpMessageInvoker>(() => Create(setting, Platform.IsNetFramework))).Value;
        }

        /// <summary>
        /// On .NET Framework, a new client for each request whose body goes out once only; elsewhere null, for the shared one.
        /// .NET Framework's HttpWebRequest keeps a copy of a request's body and sends it again by itself when a kept-alive
        /// connection turns out closed, out of reach of the body's own once-only guard; a client of its own (a connection
        /// group of its own) on a connection that is closed after the answer gives it no reused connection to fail on.
        /// </summary>
        public static Func<HttpMessageInvoker>? FreshForOnceOnlyBodies(ProxySetting proxy) => FreshForOnceOnlyBodies(proxy, Platform.IsNetFramework);

        internal static Func<HttpMessageInvoker>? FreshForOnceOnlyBodies(ProxySetting proxy, bool netFramework) =>
            netFramework ? () => Create(proxy, ownCertificateCheck: true) : (Func<HttpMessageInvoker>?)null;

        // An invoker rather than an HttpClient, so the body is never buffered whole before the size cap applies.
        /// <param name="ownCertificateCheck">Whether the client checks certificates itself, as it must on .NET Framework.</param>
        internal static HttpMessageInvoker Create(ProxySetting proxy, bool ownCertificateCheck)
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
                // Without the member the system proxy is used without credentials, and answers 407 if it needs them.
                IfSupported(() => handler.DefaultProxyCredentials = proxy.Credentials);
            }
            // .NET Framework lets a process-wide ServicePointManager callback, set by any other script (often one that
            // accepts everything), decide for this module's requests unless the handler has its own. .NET ignores that
            // callback, so there the platform's own validation decides as it is and names what it refused.
            if (ownCertificateCheck)
                IfSupported(() => handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) => Certificates.Check(message, chain, errors));
            // Older frameworks keep their own per-server limit.
            IfSupported(() => handler.MaxConnectionsPerServer = 64);
            return new HttpMessageInvoker(new ProxyNaming(handler, proxy.Address), disposeHandler: true);
        }

        /// <summary>Puts the proxy a request travels through on the request, so a failure can name it (a refused certificate may be the proxy's).</summary>
        private sealed class ProxyNaming : DelegatingHandler
        {
            // The system proxy .NET uses when a handler is given none (HTTPS_PROXY and NO_PROXY); .NET Framework has no such member.
            private static readonly IWebProxy? SystemProxy =
                typeof(HttpClient).GetProperty("DefaultProxy", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IWebProxy;

            private readonly Uri? _proxy;

            public ProxyNaming(HttpMessageHandler inner, Uri? proxy) : base(inner) => _proxy = proxy;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var destination = request.RequestUri;
                var proxy = _proxy ?? (destination == null || SystemProxy == null || SystemProxy.IsBypassed(destination) ? null : SystemProxy.GetProxy(destination));
                Certificates.NameProxy(request, proxy?.Host);
                return base.SendAsync(request, cancellationToken);
            }
        }

        /// <summary>
        /// Sets a member that .NET Framework has only from 4.7.1 on. The member is named only inside the lambda, which
        /// the JIT compiles when it is first called, here, inside the try: so a missing member fails this one step,
        /// never the module's start-up (the manifest asks for 4.7.2 anyway).
        /// </summary>
        private static void IfSupported(Action set)
        {
            try
            {
                set();
            }
            catch (Exception e) when (e is MissingMethodException || e is PlatformNotSupportedException)
            {
                // The step is skipped; what it would have set keeps the platform's default.
            }
        }
    }
}
