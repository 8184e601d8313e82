using System;
using System.Collections;
using System.Management.Automation;
using System.Runtime.InteropServices;
using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Settings;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// What every command that reaches the API shares: where it sends (-BaseUri), how (-Proxy and its
    /// credentials), and how it speaks on the Verbose, Debug and warning streams.
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

        /// <summary>
        /// The proxy given to this command, or null when it was given none. Credentials given alone apply to the
        /// proxy already in use: the session's, else the system proxy.
        /// </summary>
        private protected ProxySetting? GivenProxy(ProxySetting? sessionProxy)
        {
            if (ProxyCredential != null && ProxyUseDefaultCredentials)
                ConnectionSettings.ThrowFatal(this, new Failure(ErrorKind.InvalidSetting, null,
                    detail: "-ProxyCredential and -ProxyUseDefaultCredentials were both given; give one"));
            if (Proxy != null && !(Proxy.IsAbsoluteUri && (Proxy.Scheme == Uri.UriSchemeHttp || Proxy.Scheme == Uri.UriSchemeHttps)))
                ConnectionSettings.ThrowFatal(this, new Failure(ErrorKind.InvalidSetting, null,
                    detail: "-Proxy is not an absolute http:// or https:// address"));
            // A password in the address would be shown wherever the address is; credentials have their own parameter.
            if (Proxy != null && Proxy.UserInfo.Length > 0)
                ConnectionSettings.ThrowFatal(this, new Failure(ErrorKind.InvalidSetting, null,
                    detail: "-Proxy carries a user name or password; give them with -ProxyCredential instead"));
            if (Proxy == null && ProxyCredential == null && !ProxyUseDefaultCredentials) return null;
            return new ProxySetting(Proxy ?? sessionProxy?.Address, ProxyCredential?.GetNetworkCredential(), ProxyUseDefaultCredentials);
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
