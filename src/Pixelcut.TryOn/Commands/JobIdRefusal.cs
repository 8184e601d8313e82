using System;
using System.Collections.Generic;
using System.Linq;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// -JobId is a string array, so an input that is not a job id travels to the command as a marked string.
    /// The mark starts with NUL; a string the user gave that starts with NUL is marked too (as a control
    /// character), so every marked string was made here and is read back here into the failure to report.
    /// Its text is never sent.
    /// </summary>
    internal static class JobIdRefusal
    {
        private const char Separator = '\0';
        private const string Mark = "\0refused\0";

        public static string NoJobId(IEnumerable<string> propertyNames)
        {
            var list = string.Join(", ", propertyNames.Take(5));
            return Refuse(ErrorKind.InputWithoutJobId, string.Empty, list.Length == 0 ? "it has no properties" : "it has " + list);
        }

        public static string NotText(string shown, string why) => Refuse(ErrorKind.InvalidJobId, shown, why + "; pass job ids as strings");

        /// <summary>The id as given, or a refusal when it starts with NUL and could be mistaken for a mark.</summary>
        public static string Checked(string jobId) =>
            jobId.Length > 0 && jobId[0] == Separator ? Refuse(ErrorKind.InvalidJobId, jobId, "it contains a control character") : jobId;

        /// <summary>The failure a marked input stands for; null for an ordinary id.</summary>
        public static Failure? Read(string jobId)
        {
            if (!jobId.StartsWith(Mark, StringComparison.Ordinal)) return null;
            var parts = jobId.Substring(Mark.Length).Split(new[] { Separator }, 3);
            var kind = parts.Length == 3 && Enum.TryParse(parts[0], out ErrorKind parsed) ? parsed : ErrorKind.InvalidJobId;
            var shown = parts.Length == 3 ? parts[1] : SafeText.Printable(jobId);
            var detail = parts.Length == 3 ? parts[2] : "it contains a control character";
            return new Failure(kind, kind == ErrorKind.InputWithoutJobId ? null : shown, detail: detail);
        }

        private static string Refuse(ErrorKind kind, string shown, string detail) =>
            Mark + kind + Separator + SafeText.Printable(shown) + Separator + detail;
    }
}
