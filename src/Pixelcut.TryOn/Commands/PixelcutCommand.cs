using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.InteropServices;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Settings;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// What every command that reaches the API shares: where it sends (-BaseUri), how (-Proxy and its credentials), the
    /// one way a setting it refuses ends it, its requester, and how it speaks on the Verbose, Debug and warning streams.
    /// </summary>
    public abstract class PixelcutCommand : PSCmdlet
    {
        // Only this module's cmdlets derive from it.
        private protected PixelcutCommand() { }

        /// <summary>The API's address; else the Connect-Pixelcut session's, else PIXELCUT_BASE_URI, else the public API.</summary>
        [Parameter]
        public Uri? BaseUri { get; set; }

        /// <summary>A proxy for every request, loopback addresses included; else the Connect-Pixelcut session's, else the system proxy.</summary>
        [Parameter]
        public Uri? Proxy { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        private CommandOutput? _output;

        private protected CommandOutput Output => _output ??= new CommandOutput(this);

        /// <summary>The proxy given to this command, or null when it was given none.</summary>
        private protected ProxySetting? GivenProxy(ProxySetting? sessionProxy) =>
            this.Settle(ConnectionSettings.GivenProxy(Proxy, ProxyCredential?.GetNetworkCredential(), ProxyUseDefaultCredentials, sessionProxy));

        /// <summary>The requester for this command's API requests, from the one request stack; its settings go to -Debug.</summary>
        private protected JobRequester CreateRequester(ApiKey key, Uri baseUri, ProxySetting proxy, int maxRetryCount, int timeoutSec, int? throttleLimit)
        {
            var rate = this.Settle(ConnectionSettings.ResolveRequestsPerSecond());
            var userAgent = UserAgentText();
            Output.Debug($"Base URI {baseUri}; proxy {ConnectionSettings.Describe(proxy)}; {rate.ToString(CultureInfo.InvariantCulture)} requests/s; " +
                $"{maxRetryCount} retries; {timeoutSec} s per attempt; User-Agent {userAgent}.");
            return RequestStack.ForApi(new ApiSettings(baseUri, key, proxy, userAgent, rate, maxRetryCount, TimeSpan.FromSeconds(timeoutSec),
                throttleLimit, Output.ShowsDebug));
        }

        /// <summary>The User-Agent of this command's requests: module, PowerShell and OS versions, for the API's support.</summary>
        private protected string UserAgentText()
        {
            var moduleVersion = MyInvocation.MyCommand.Module?.Version ?? typeof(PixelcutCommand).Assembly.GetName().Version;
            var versionTable = SessionState.PSVariable.GetValue("PSVersionTable") as IDictionary;
            var powerShellVersion = versionTable?["PSVersion"]?.ToString() ?? "unknown";
            return UserAgent.For(moduleVersion?.ToString(3) ?? "unknown", powerShellVersion, RuntimeInformation.OSDescription);
        }
    }
}
