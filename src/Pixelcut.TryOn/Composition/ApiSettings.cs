using System;
using Pixelcut.TryOn.Settings;

namespace Pixelcut.TryOn.Composition
{
    /// <summary>What one command's API requests are sent with, resolved by the command.</summary>
    internal sealed class ApiSettings
    {
        public ApiSettings(Uri baseUri, ApiKey key, ProxySetting proxy, string userAgent, double requestsPerSecond, int maxRetryCount,
            TimeSpan timeout, int? throttleLimit, bool logsExchange)
        {
            BaseUri = baseUri;
            Key = key;
            Proxy = proxy;
            UserAgent = userAgent;
            RequestsPerSecond = requestsPerSecond;
            MaxRetryCount = maxRetryCount;
            Timeout = timeout;
            ThrottleLimit = throttleLimit;
            LogsExchange = logsExchange;
        }

        public Uri BaseUri { get; }
        public ApiKey Key { get; }
        public ProxySetting Proxy { get; }
        public string UserAgent { get; }
        public double RequestsPerSecond { get; }
        public int MaxRetryCount { get; }

        /// <summary>How long one attempt may take.</summary>
        public TimeSpan Timeout { get; }

        /// <summary>A hard cap the user set on requests in flight; null to let them adapt, shared by the key's commands.</summary>
        public int? ThrottleLimit { get; }

        /// <summary>Whether each request and answer is traced in full, for -Debug.</summary>
        public bool LogsExchange { get; }
    }
}
