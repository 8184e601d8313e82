using System;

namespace Pixelcut.TryOn
{
    /// <summary>What the next Pixelcut command in this runspace would use. Never the key, nor any part of it.</summary>
    public sealed class PixelcutConnection
    {
        public PixelcutConnection(string apiKeySource, Uri baseUri, double requestsPerSecond, Uri? proxy, string? proxyUserName)
        {
            ApiKeySource = apiKeySource;
            BaseUri = baseUri;
            RequestsPerSecond = requestsPerSecond;
            Proxy = proxy;
            ProxyUserName = proxyUserName;
        }

        /// <summary>Where the key would come from: Connect-Pixelcut, PIXELCUT_API_KEY, or None.</summary>
        public string ApiKeySource { get; }

        public Uri BaseUri { get; }

        /// <summary>The pace every command with the same key keeps to (PIXELCUT_REQUESTS_PER_SECOND).</summary>
        public double RequestsPerSecond { get; }

        /// <summary>The proxy Connect-Pixelcut set; empty when requests follow the system proxy.</summary>
        public Uri? Proxy { get; }

        /// <summary>The user name of the proxy credential Connect-Pixelcut set, or "(default credentials)".</summary>
        public string? ProxyUserName { get; }
    }
}
