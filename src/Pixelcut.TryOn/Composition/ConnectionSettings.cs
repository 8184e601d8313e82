using System;
using System.Globalization;
using System.Net;
using System.Security;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Settings;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Composition
{
    /// <summary>
    /// Where every command finds its key, address, proxy and pace, in one order everywhere: the parameter, then the
    /// Connect-Pixelcut session, then the environment. It only resolves; the command raises what it refuses.
    /// </summary>
    internal static class ConnectionSettings
    {
        internal const string ApiKeyVariable = "PIXELCUT_API_KEY";
        internal const string BaseUriVariable = "PIXELCUT_BASE_URI";
        internal const string RateVariable = "PIXELCUT_REQUESTS_PER_SECOND";
        internal static readonly Uri DefaultBaseUri = new Uri("https://api.developer.pixelcut.ai");
        internal const int DefaultTimeoutSec = 30;

        /// <summary>The address to use, given the one from -BaseUri or Connect-Pixelcut if any.</summary>
        public static Resolved<Uri> ResolveBaseUri(Uri? chosen)
        {
            var uri = chosen;
            var fromVariable = Environment.GetEnvironmentVariable(BaseUriVariable);
            if (uri == null && !string.IsNullOrWhiteSpace(fromVariable) && !Uri.TryCreate(fromVariable, UriKind.Absolute, out uri))
                return new Failure(ErrorKind.InvalidSetting, null, detail: $"{BaseUriVariable} is not an absolute URI");
            return CheckedBaseUri(uri ?? DefaultBaseUri);
        }

        /// <summary>Refuses a base URI that would send the key in clear text.</summary>
        public static Resolved<Uri> CheckedBaseUri(Uri uri)
        {
            if (!JobPath.IsEncryptedOrLoopback(uri))
                return new Failure(ErrorKind.InsecureBaseUri, null, detail: uri.IsAbsoluteUri ? uri.Scheme + "://" + uri.Authority : "(not an absolute URI)");
            // The API takes its key in a header; a user name or password in the address would only be shown around.
            if (uri.UserInfo.Length > 0)
                return new Failure(ErrorKind.InvalidSetting, null, detail: "the base URI carries a user name or password; the API key goes in -ApiKey");
            return Resolved<Uri>.To(uri);
        }

        /// <summary>The key and where it came from: -ApiKey, else the session's, else PIXELCUT_API_KEY.</summary>
        public static Resolved<(ApiKey Key, string Source)> ResolveApiKey(SecureString? given, ApiKey? sessionKey)
        {
            if (given != null && given.Length > 0) return WithSource(CheckedKey(ApiKey.Trimmed(given), "-ApiKey"), "-ApiKey");
            if (sessionKey != null) return Resolved<(ApiKey, string)>.To((sessionKey, "Connect-Pixelcut"));
            var fromVariable = Environment.GetEnvironmentVariable(ApiKeyVariable);
            if (string.IsNullOrWhiteSpace(fromVariable)) return new Failure(ErrorKind.ApiKeyMissing, null);
            return WithSource(CheckedKey(ApiKey.Trimmed(fromVariable!), ApiKeyVariable), ApiKeyVariable);
        }

        /// <summary>The key from trimmed text, or ApiKeyMissing or ApiKeyMalformed, which never quote it.</summary>
        public static Resolved<ApiKey> CheckedKey(string trimmedKey, string source)
        {
            if (trimmedKey.Length == 0) return new Failure(ErrorKind.ApiKeyMissing, null);
            var problem = ApiKey.Problem(trimmedKey);
            if (problem != null) return new Failure(ErrorKind.ApiKeyMalformed, null, detail: $"from {source} {problem}");
            return Resolved<ApiKey>.To(ApiKey.FromPlainText(trimmedKey));
        }

        /// <summary>
        /// The proxy a command was given, or null when it was given none. Credentials given alone apply to the proxy already
        /// in use: the session's, else the system proxy.
        /// </summary>
        public static Resolved<ProxySetting?> GivenProxy(Uri? proxy, NetworkCredential? credential, bool useDefaultCredentials, ProxySetting? sessionProxy)
        {
            if (credential != null && useDefaultCredentials)
                return new Failure(ErrorKind.InvalidSetting, null, detail: "-ProxyCredential and -ProxyUseDefaultCredentials were both given; give one");
            if (proxy != null && !(proxy.IsAbsoluteUri && (proxy.Scheme == Uri.UriSchemeHttp || proxy.Scheme == Uri.UriSchemeHttps)))
                return new Failure(ErrorKind.InvalidSetting, null, detail: "-Proxy is not an absolute http:// or https:// address");
            // A password in the address would be shown wherever the address is; credentials have their own parameter.
            if (proxy != null && proxy.UserInfo.Length > 0)
                return new Failure(ErrorKind.InvalidSetting, null, detail: "-Proxy carries a user name or password; give them with -ProxyCredential instead");
            if (proxy == null && credential == null && !useDefaultCredentials) return Resolved<ProxySetting?>.To(null);
            return Resolved<ProxySetting?>.To(new ProxySetting(proxy ?? sessionProxy?.Address, credential, useDefaultCredentials));
        }

        /// <summary>A proxy setting as messages show it, never with its password.</summary>
        public static string Describe(ProxySetting proxy)
        {
            var address = proxy.Address?.ToString() ?? "of the system";
            return proxy.UseDefaultCredentials ? $"{address} with the default credentials"
                : proxy.Credential != null ? $"{address} as {proxy.Credential.UserName}"
                : address;
        }

        /// <summary>The rate every request with one key keeps to, from PIXELCUT_REQUESTS_PER_SECOND or the API's documented limit.</summary>
        public static Resolved<double> ResolveRequestsPerSecond()
        {
            var text = Environment.GetEnvironmentVariable(RateVariable);
            if (string.IsNullOrWhiteSpace(text)) return Resolved<double>.To(RequestPacer.DefaultRequestsPerSecond);
            var valid = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate >= 0.01 && rate <= 10000;
            if (!valid) return new Failure(ErrorKind.InvalidSetting, null, detail: $"{RateVariable} must be a number of requests per second from 0.01 to 10000, not '{text}'");
            return Resolved<double>.To(rate);
        }

        private static Resolved<(ApiKey Key, string Source)> WithSource(Resolved<ApiKey> key, string source) =>
            key.Failure != null ? key.Failure : Resolved<(ApiKey, string)>.To((key.Value, source));
    }
}
