using System;
using System.Collections.Generic;
using System.Linq;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// -JobId is a string array, so an input that is not a job id travels to the command as a marked
    /// string. The mark starts with NUL, which no id that could be sent contains, and is read back here
    /// into the failure to report. Its text is never sent.
    /// </summary>
    internal static class JobIdRefusal
    {
        private const string NoJobIdMark = "\0no-job-id\0";
        private const string NotTextMark = "\0not-text\0";

        public static string NoJobId(IEnumerable<string> propertyNames)
        {
            var list = string.Join(", ", propertyNames.Take(5));
            return NoJobIdMark + (list.Length == 0 ? "it has no properties" : "it has " + list);
        }

        public static string NotText(string shown, string why) => NotTextMark + SafeText.Printable(shown) + "\0" + why;

        /// <summary>The failure a marked input stands for; null for an ordinary id.</summary>
        public static Failure? Read(string jobId)
        {
            if (jobId.StartsWith(NoJobIdMark, StringComparison.Ordinal))
                return new Failure(ErrorKind.InputWithoutJobId, null, detail: jobId.Substring(NoJobIdMark.Length));
            if (!jobId.StartsWith(NotTextMark, StringComparison.Ordinal)) return null;
            var parts = jobId.Substring(NotTextMark.Length).Split(new[] { '\0' }, 2);
            return new Failure(ErrorKind.InvalidJobId, parts[0], detail: parts[1] + "; pass job ids as strings");
        }
    }
}
