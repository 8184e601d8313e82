using System;
using Pixelcut.TryOn.Operations;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Settings;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Composition
{
    /// <summary>
    /// The one place a request's stack is put together, so its order can be read in one function. Every command gets its
    /// requester here; the key's limiter and pacer are shared by every command with that key in the process.
    /// </summary>
    internal static class RequestStack
    {
        private static readonly Random Jitter = new Random();

        /// <summary>
        /// An API request, outermost first: the retry loop, the key's in-flight limiter, the command's circuit, the key's
        /// pacer, the halt check (a circuit opened while it waited sends nothing), and the exchange with the key in its header.
        /// </summary>
        public static JobRequester ForApi(ApiSettings settings) =>
            Api(new RetryPolicy(settings.MaxRetryCount, NextJitter),
                settings.ThrottleLimit is int cap ? ConcurrencyLimiter.Fixed(cap) : ConcurrencyLimiter.ForKey(settings.Key.Fingerprint),
                RequestPacer.ForKey(settings.Key.Fingerprint, settings.RequestsPerSecond),
                new PixelcutHttp(settings.BaseUri, settings.Key, new HttpExchange(HttpClients.For(settings.Proxy), settings.UserAgent, settings.LogsExchange,
                    HttpClients.FreshForOnceOnlyBodies(settings.Proxy))),
                SystemClock.Instance, settings.Timeout);

        /// <summary>The API's stack from its parts, in the order <see cref="ForApi"/> names; tests build it here from their own parts.</summary>
        internal static JobRequester Api(RetryPolicy retries, ConcurrencyLimiter limiter, RequestPacer pacer, PixelcutHttp api, IClock clock,
            TimeSpan timeout) =>
            new JobRequester(api, new KeyGate(limiter, new CircuitBreaker(clock), pacer), retries, clock, timeout);

        /// <summary>
        /// The saver of a command's results. Each download, outermost first: the retry loop (the API requester's, which the
        /// saver is handed per job), the command's cap on downloads at once, the result host's own circuit, and the exchange
        /// through the same proxy, without the key.
        /// </summary>
        public static ResultSaver ForSaving(ProxySetting proxy, string userAgent, bool logsExchange, bool replace)
        {
            var gate = new DownloadGate(new CircuitBreaker(SystemClock.Instance));
            return new ResultSaver(new ResultDownload(Exchange(proxy, userAgent, logsExchange)), gate, replace);
        }

        /// <summary>The one request path through <paramref name="proxy"/>, for the API and the result host alike.</summary>
        private static HttpExchange Exchange(ProxySetting proxy, string userAgent, bool logsExchange) =>
            new HttpExchange(HttpClients.For(proxy), userAgent, logsExchange);

        private static double NextJitter()
        {
            lock (Jitter) return Jitter.NextDouble();
        }
    }
}
