using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Session;
using Pixelcut.TryOn.Settings;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// Where every command finds its key, address and pace, in one order everywhere: the parameter,
    /// then the Connect-Pixelcut session, then the environment.
    /// </summary>
    internal static class ConnectionSettings
    {
        internal const string ApiKeyVariable = "PIXELCUT_API_KEY";
        internal const string BaseUriVariable = "PIXELCUT_BASE_URI";
        internal const string RateVariable = "PIXELCUT_REQUESTS_PER_SECOND";
        internal static readonly Uri DefaultBaseUri = new Uri("https://api.developer.pixelcut.ai");
        internal const int DefaultTimeoutSec = 30;

        private static readonly Random Jitter = new Random();

        /// <summary>The address to use, given the one from -BaseUri or Connect-Pixelcut if any.</summary>
        public static Uri ResolveBaseUri(Cmdlet cmdlet, Uri? chosen)
        {
            var uri = chosen;
            var fromVariable = Environment.GetEnvironmentVariable(BaseUriVariable);
            if (uri == null && !string.IsNullOrWhiteSpace(fromVariable) && !Uri.TryCreate(fromVariable, UriKind.Absolute, out uri))
            {
                ThrowFatal(cmdlet, new Failure(ErrorKind.InvalidSetting, null, detail: $"{BaseUriVariable} is not an absolute URI"));
            }
            return CheckedBaseUri(cmdlet, uri ?? DefaultBaseUri);
        }

        /// <summary>Refuses a base URI that would send the key in clear text.</summary>
        public static Uri CheckedBaseUri(Cmdlet cmdlet, Uri uri)
        {
            if (!JobPath.IsEncryptedOrLoopback(uri)) ThrowFatal(cmdlet, new Failure(ErrorKind.InsecureBaseUri, null, detail: uri.IsAbsoluteUri ? uri.Scheme + "://" + uri.Authority : "(not an absolute URI)"));
            // The API takes its key in a header; a user name or password in the address would only be shown around.
            if (uri.UserInfo.Length > 0)
                ThrowFatal(cmdlet, new Failure(ErrorKind.InvalidSetting, null, detail: "the base URI carries a user name or password; the API key goes in -ApiKey"));
            return uri;
        }

        public static (ApiKey Key, string Source) ResolveApiKey(Cmdlet cmdlet, SecureString? given, PixelcutSession session)
        {
            if (given != null && given.Length > 0) return (CheckedKey(cmdlet, ApiKey.Trimmed(given), "-ApiKey"), "-ApiKey");
            if (session.ApiKey != null) return (session.ApiKey, "Connect-Pixelcut");
            var fromVariable = Environment.GetEnvironmentVariable(ApiKeyVariable);
            if (string.IsNullOrWhiteSpace(fromVariable)) ThrowFatal(cmdlet, new Failure(ErrorKind.ApiKeyMissing, null));
            return (CheckedKey(cmdlet, ApiKey.Trimmed(fromVariable!), ApiKeyVariable), ApiKeyVariable);
        }

        /// <summary>The key from trimmed text, or a terminating ApiKeyMissing or ApiKeyMalformed that never quotes it.</summary>
        public static ApiKey CheckedKey(Cmdlet cmdlet, string trimmedKey, string source)
        {
            if (trimmedKey.Length == 0) ThrowFatal(cmdlet, new Failure(ErrorKind.ApiKeyMissing, null));
            var problem = ApiKey.Problem(trimmedKey);
            if (problem != null) ThrowFatal(cmdlet, new Failure(ErrorKind.ApiKeyMalformed, null, detail: $"from {source} {problem}"));
            return ApiKey.FromPlainText(trimmedKey);
        }

        /// <summary>The requester every command sends through: paced per key across the process, one client per proxy setting.</summary>
        /// <param name="throttleLimit">A hard cap the user set; null to let requests in flight adapt, shared by the key's commands.</param>
        public static JobRequester CreateRequester(Cmdlet cmdlet, CommandOutput output, ApiKey key, Uri baseUri, ProxySetting proxy,
            string userAgent, int maxRetryCount, int timeoutSec, int? throttleLimit = null)
        {
            var rate = ResolveRequestsPerSecond(cmdlet);
            output.Debug($"Base URI {baseUri}; proxy {Describe(proxy)}; {rate.ToString(CultureInfo.InvariantCulture)} requests/s; " +
                $"{maxRetryCount} retries; {timeoutSec} s per attempt; User-Agent {userAgent}.");
            var http = new PixelcutHttp(baseUri, key, ExchangeFor(proxy, userAgent, output));
            return new JobRequester(http, new RetryPolicy(maxRetryCount, NextJitter), RequestPacer.ForKey(key.Fingerprint, rate),
                throttleLimit.HasValue ? ConcurrencyLimiter.Fixed(throttleLimit.Value) : ConcurrencyLimiter.ForKey(key.Fingerprint),
                SystemClock.Instance, TimeSpan.FromSeconds(timeoutSec));
        }

        /// <summary>The one request path through <paramref name="proxy"/>, for the API and the result host alike.</summary>
        public static HttpExchange ExchangeFor(ProxySetting proxy, string userAgent, CommandOutput output) =>
            new HttpExchange(HttpClients.For(proxy), userAgent, output.ShowsDebug);

        /// <summary>A proxy setting as messages show it, never with its password.</summary>
        public static string Describe(ProxySetting proxy)
        {
            var address = proxy.Address?.ToString() ?? "of the system";
            return proxy.UseDefaultCredentials ? $"{address} with the default credentials"
                : proxy.Credential != null ? $"{address} as {proxy.Credential.UserName}"
                : address;
        }

        /// <summary>The rate every request with one key keeps to, from PIXELCUT_REQUESTS_PER_SECOND or the API's documented limit.</summary>
        public static double ResolveRequestsPerSecond(Cmdlet cmdlet)
        {
            var text = Environment.GetEnvironmentVariable(RateVariable);
            if (string.IsNullOrWhiteSpace(text)) return RequestPacer.DefaultRequestsPerSecond;
            var valid = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate >= 0.01 && rate <= 10000;
            if (!valid) ThrowFatal(cmdlet, new Failure(ErrorKind.InvalidSetting, null, detail: $"{RateVariable} must be a number of requests per second from 0.01 to 10000, not '{text}'"));
            return rate;
        }

        public static void ThrowFatal(Cmdlet cmdlet, Failure failure) => cmdlet.ThrowTerminatingError(ErrorRecords.For(failure));

        private static double NextJitter()
        {
            lock (Jitter) return Jitter.NextDouble();
        }
    }
}
