using System.Collections.Generic;
using System.Management.Automation;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// Verbose, Debug and warning lines for one command. For a compiled cmdlet, -Debug turns the Verbose and
    /// Warning preferences into Inquire, so every such line asks to continue and, in a host that cannot ask
    /// (pwsh -NonInteractive, a runbook), fails the command. There, under -Debug, those lines are written to the
    /// Debug stream instead, whose preference -Debug sets to Continue: everything is shown and nothing asks.
    /// A console that can prompt keeps PowerShell's own behaviour, as do -Verbose and -WarningAction given with -Debug.
    /// </summary>
    internal sealed class CommandOutput
    {
        private readonly PSCmdlet _cmdlet;
        private readonly bool _verboseAsDebug;
        private readonly bool _warningAsDebug;

        public CommandOutput(PSCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
            var bound = cmdlet.MyInvocation.BoundParameters;
            var debugFlag = bound.TryGetValue("Debug", out var debug) && IsSet(debug);
            var unattendedDebug = debugFlag && !HostPrompting.CanPrompt(cmdlet.Host);
            _verboseAsDebug = unattendedDebug && !bound.ContainsKey("Verbose");
            _warningAsDebug = unattendedDebug && !bound.ContainsKey("WarningAction");
            ShowsDebug = debugFlag || IsShown(cmdlet.GetVariableValue("DebugPreference"));
        }

        /// <summary>Whether Debug lines are shown, so the HTTP exchange is worth describing.</summary>
        public bool ShowsDebug { get; }

        public void Verbose(string text)
        {
            if (_verboseAsDebug) _cmdlet.WriteDebug(text);
            else _cmdlet.WriteVerbose(text);
        }

        public void Debug(string text) => _cmdlet.WriteDebug(text);

        public void Warning(string text)
        {
            if (_warningAsDebug) _cmdlet.WriteDebug("Warning: " + text);
            else _cmdlet.WriteWarning(text);
        }

        public void Trace(IEnumerable<TraceLine> lines)
        {
            foreach (var line in lines)
            {
                if (line.IsDebug) Debug(line.Text);
                else Verbose(line.Text);
            }
        }

        private static bool IsSet(object? value) =>
            value is SwitchParameter switchParameter ? switchParameter.IsPresent : value is bool flag && flag;

        private static bool IsShown(object? preference)
        {
            if (preference is PSObject wrapped) preference = wrapped.BaseObject;
            return preference is ActionPreference value && value != ActionPreference.SilentlyContinue && value != ActionPreference.Ignore;
        }
    }
}
