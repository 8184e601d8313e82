using System;
using System.Runtime.CompilerServices;
using System.Management.Automation.Runspaces;
using System.Security;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// What Connect-Pixelcut remembers, per runspace rather than per process: runbooks share
    /// processes, and parallel runspaces with different keys must not see each other's.
    /// </summary>
    internal sealed class ConnectionSettings
    {
        private static readonly ConditionalWeakTable<Runspace, ConnectionSettings> ByRunspace =
            new ConditionalWeakTable<Runspace, ConnectionSettings>();

        public ConnectionSettings(SecureString apiKey, Uri? baseUri)
        {
            ApiKey = apiKey;
            BaseUri = baseUri;
        }

        public SecureString ApiKey { get; }
        public Uri? BaseUri { get; }

        public static ConnectionSettings? Current =>
            Runspace.DefaultRunspace != null && ByRunspace.TryGetValue(Runspace.DefaultRunspace, out var settings) ? settings : null;

        public static void SetCurrent(ConnectionSettings? settings)
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null) return;
            ByRunspace.Remove(runspace);
            if (settings != null) ByRunspace.Add(runspace, settings);
        }
    }
}
