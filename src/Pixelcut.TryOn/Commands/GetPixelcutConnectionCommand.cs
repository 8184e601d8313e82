using System;
using System.Management.Automation;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Session;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Shows where the next Pixelcut command in this runspace would take its key from, and where and how it would send.</summary>
    [Cmdlet(VerbsCommon.Get, "PixelcutConnection")]
    [OutputType(typeof(PixelcutConnection))]
    public sealed class GetPixelcutConnectionCommand : PSCmdlet
    {
        internal const string NoKey = "None";

        protected override void ProcessRecord()
        {
            var session = PixelcutSession.Current;
            var keySource = session.ApiKey != null ? "Connect-Pixelcut"
                : !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionSettings.ApiKeyVariable)) ? ConnectionSettings.ApiKeyVariable
                : NoKey;
            var proxy = session.Proxy;
            var proxyUser = proxy == null ? null : proxy.UseDefaultCredentials ? "(default credentials)" : proxy.Credential?.UserName;
            WriteObject(new PixelcutConnection(keySource, this.Settle(ConnectionSettings.ResolveBaseUri(session.BaseUri)),
                this.Settle(ConnectionSettings.ResolveRequestsPerSecond()), proxy?.Address, proxyUser));
        }
    }
}
