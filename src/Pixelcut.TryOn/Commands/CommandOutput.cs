using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// Verbose, Debug and warning lines for one command. For a compiled cmdlet, -Debug turns the Verbose and
    /// Warning preferences into Inquire (and, before PowerShell 6.2, the Debug preference too), so every such line
    /// asks to continue and, in a host that cannot ask (pwsh -NonInteractive, a runbook), fails the command.
    /// There, under -Debug, the lines go where nothing asks: to the Debug stream, whose preference -Debug sets to
    /// Continue from 6.2 on, or before that straight to the host. A host that can prompt keeps PowerShell's own
    /// behaviour, as do -Verbose and -WarningAction given with -Debug.
    /// </summary>
    internal sealed class CommandOutput
    {
        /// <summary>Where a line of one kind goes.</summary>
        internal enum Route { OwnStream, DebugStream, Host }

        private static readonly Version DebugContinuesFrom = new Version(6, 2);

        private readonly PSCmdlet _cmdlet;
        private readonly Route _verbose;
        private readonly Route _debug;
        private readonly Route _warning;

        public CommandOutput(PSCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
            var bound = cmdlet.MyInvocation.BoundParameters;
            var debugFlag = bound.TryGetValue("Debug", out var debug) && IsSet(debug);
            var canPrompt = HostPrompting.CanPrompt(cmdlet.Host);
            var version = PowerShellVersion(cmdlet);
            _verbose = RouteFor(debugFlag, bound.ContainsKey("Verbose"), canPrompt, version);
            _warning = RouteFor(debugFlag, bound.ContainsKey("WarningAction"), canPrompt, version);
            // From 6.2 on -Debug sets the Debug preference to Continue, as good as a preference of its own.
            _debug = RouteFor(debugFlag, version >= DebugContinuesFrom, canPrompt, version);
            ShowsDebug = debugFlag || IsShown(cmdlet.GetVariableValue("DebugPreference"));
        }

        /// <summary>Whether Debug lines are shown, so the HTTP exchange is worth describing.</summary>
        public bool ShowsDebug { get; }

        /// <summary>
        /// The one decision: a line goes to its own stream unless -Debug made that stream ask in a host that cannot;
        /// then to the Debug stream where -Debug lets it flow (6.2 on), else to the host itself.
        /// </summary>
        internal static Route RouteFor(bool debugFlag, bool ownPreferenceGiven, bool canPrompt, Version powerShellVersion)
        {
            if (!debugFlag || ownPreferenceGiven || canPrompt) return Route.OwnStream;
            return powerShellVersion >= DebugContinuesFrom ? Route.DebugStream : Route.Host;
        }

        public void Verbose(string text)
        {
            switch (_verbose)
            {
                case Route.OwnStream: _cmdlet.WriteVerbose(text); break;
                case Route.DebugStream: _cmdlet.WriteDebug(text); break;
                default: _cmdlet.Host.UI.WriteVerboseLine(text); break;
            }
        }

        public void Debug(string text)
        {
            if (_debug == Route.Host) _cmdlet.Host.UI.WriteDebugLine(text);
            else _cmdlet.WriteDebug(text);
        }

        public void Warning(string text)
        {
            switch (_warning)
            {
                case Route.OwnStream: _cmdlet.WriteWarning(text); break;
                case Route.DebugStream: _cmdlet.WriteDebug("Warning: " + text); break;
                default: _cmdlet.Host.UI.WriteWarningLine(text); break;
            }
        }

        public void Trace(IEnumerable<TraceLine> lines)
        {
            foreach (var line in lines)
            {
                if (line.IsDebug) Debug(line.Text);
                else Verbose(line.Text);
            }
        }

        private static Version PowerShellVersion(PSCmdlet cmdlet)
        {
            var table = cmdlet.SessionState.PSVariable.GetValue("PSVersionTable") as IDictionary;
            return Version.TryParse(Convert.ToString(table?["PSVersion"], System.Globalization.CultureInfo.InvariantCulture)?.Split('-')[0], out var version)
                ? version
                : DebugContinuesFrom;
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
