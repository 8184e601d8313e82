using System;
using System.Management.Automation.Host;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// Whether the host can put a question to a person. PowerShell offers no public way to ask, so this reads
    /// what it can: a host without UI, and a console started with -NonInteractive or with its input redirected
    /// (a scheduled task, CI, a runbook) cannot prompt; every other host is taken to be able to.
    /// </summary>
    internal static class HostPrompting
    {
        private static readonly string[] ScriptArguments = { "c", "command", "f", "file", "e", "ec", "encodedcommand", "cwa", "commandwithargs" };

        private static readonly Lazy<bool> ConsoleCannotPrompt = new Lazy<bool>(() =>
            StartedNonInteractive(Environment.GetCommandLineArgs()) || Console.IsInputRedirected);

        public static bool CanPrompt(PSHost? host) =>
            host?.UI != null && !(string.Equals(host.Name, "ConsoleHost", StringComparison.Ordinal) && ConsoleCannotPrompt.Value);

        /// <summary>
        /// True when the process's own switches (before -Command or -File, after which the script's arguments
        /// begin) include -NonInteractive, in any form pwsh and powershell.exe accept: -noni, -NonInteractive, /noni.
        /// </summary>
        internal static bool StartedNonInteractive(string[] arguments)
        {
            for (var i = 1; i < arguments.Length; i++)
            {
                var argument = arguments[i];
                if (argument.Length < 2 || (argument[0] != '-' && argument[0] != '/')) continue;
                var name = argument.TrimStart('-', '/').ToLowerInvariant();
                if (Array.IndexOf(ScriptArguments, name) >= 0) return false;
                if (name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.Ordinal)) return true;
            }
            return false;
        }
    }
}
