using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Pixelcut.TryOn.Settings;

namespace Pixelcut.TryOn.Session
{
    /// <summary>
    /// What Connect-Pixelcut sets, and the jobs Get-PixelcutTryOnJob has shown, for one runspace.
    /// Not process-wide: runbooks share processes, and ForEach-Object -Parallel runspaces with
    /// different keys must not see each other's.
    /// </summary>
    internal sealed class PixelcutSession
    {
        // Keyed by the runspace's event manager rather than the runspace itself: PowerShell replaces
        // the event manager when it resets a runspace for reuse (ForEach-Object -Parallel pools them),
        // so a reused runspace starts without the key its previous user connected with.
        private static readonly ConditionalWeakTable<PSEventManager, PixelcutSession> ByRunspace =
            new ConditionalWeakTable<PSEventManager, PixelcutSession>();

        /// <summary>The session of the runspace running the calling pipeline.</summary>
        public static PixelcutSession Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace
                    ?? throw new InvalidOperationException("Pixelcut commands run only on a PowerShell pipeline thread.");
                return ByRunspace.GetValue(runspace.Events, _ => new PixelcutSession());
            }
        }

        public ApiKey? ApiKey { get; private set; }
        public Uri? BaseUri { get; private set; }

        /// <summary>The proxy Connect-Pixelcut was given; null for the system proxy.</summary>
        public ProxySetting? Proxy { get; private set; }
        public RecentJobs RecentJobs { get; } = new RecentJobs(capacity: 1000);

        public void Connect(ApiKey apiKey, Uri? baseUri, ProxySetting? proxy)
        {
            ApiKey = apiKey;
            BaseUri = baseUri;
            Proxy = proxy;
        }

        public void Disconnect()
        {
            ApiKey = null;
            BaseUri = null;
            Proxy = null;
        }
    }
}
