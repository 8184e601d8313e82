using System.Management.Automation;
using Pixelcut.TryOn.Session;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Forgets the key and base URI Connect-Pixelcut set for this runspace.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Pixelcut")]
    public sealed class DisconnectPixelcutCommand : PSCmdlet
    {
        protected override void ProcessRecord()
        {
            PixelcutSession.Current.Disconnect();
            new CommandOutput(this).Verbose("Pixelcut commands in this runspace now use -ApiKey or PIXELCUT_API_KEY, the system proxy and PIXELCUT_BASE_URI.");
        }
    }
}
