using System;
using System.IO;
using System.Text;

namespace Pixelcut.TryOn.Files
{
    /// <summary>
    /// The one rule for the file a job's result is saved to: <c>&lt;JobId&gt;.jpg</c> in the target folder, or why the id
    /// cannot name a file. The rules are Windows' (the strictest of the file systems a module on both editions meets),
    /// applied on every OS, so a list of ids saves the same files wherever the script runs.
    /// </summary>
    internal static class ResultFileName
    {
        public const string Extension = ".jpg";

        /// <summary>The longest name, in UTF-8 bytes, that ext4, APFS and NTFS all take.</summary>
        public const int MaxNameBytes = 255;

        private const string ForbiddenCharacters = "/\\:*?\"<>|";

        // Windows opens the device, not a file, for these names whatever extension follows; the superscript digits
        // count as digits for COM and LPT.
        private static readonly string[] DeviceNames = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };
        private static readonly string[] NumberedDevices = { "COM", "LPT" };
        private const string DeviceDigits = "0123456789\u00B9\u00B2\u00B3";

        /// <summary>A result not saved because its file is there already.</summary>
        public static Failure Exists(string jobId, string path) => new Failure(ErrorKind.FileExists, jobId, detail: $"'{path}' already exists");

        /// <summary>The file name for the job's result.</summary>
        public static string For(string jobId) => jobId + Extension;

        /// <summary>Why the id cannot name a file; null when <see cref="For"/> gives a safe name.</summary>
        public static string? Problem(string jobId)
        {
            if (jobId.Length == 0) return "it is empty";
            if (jobId == "." || jobId == "..") return "'.' and '..' name folders";
            foreach (var c in jobId)
            {
                if (ForbiddenCharacters.IndexOf(c) >= 0) return $"it contains '{c}', which a file name cannot hold";
                if (char.IsControl(c)) return "it contains a control character";
            }
            var last = jobId[jobId.Length - 1];
            if (last == '.' || last == ' ') return "it ends in a dot or a space, which Windows drops from a name";
            if (IsDeviceName(jobId)) return "Windows reserves the name for a device";
            if (LooksLikeShortName(jobId)) return "it ends in '~' and digits, so Windows may take it for the short 8.3 name of another file";
            var bytes = Encoding.UTF8.GetByteCount(For(jobId));
            if (bytes > MaxNameBytes) return $"the file name would be {bytes} bytes long, more than the {MaxNameBytes} a file system allows";
            return null;
        }

        /// <summary>
        /// The full path of the job's result in <paramref name="folder"/> (a full path), or why there is none: the id
        /// must pass <see cref="Problem"/>, and the combined path must still lie directly in the folder.
        /// </summary>
        public static (string? Path, string? Problem) In(string folder, string jobId)
        {
            var problem = Problem(jobId);
            if (problem != null) return (null, problem);
            var directory = Path.GetFullPath(folder);
            var path = Path.GetFullPath(Path.Combine(directory, For(jobId)));
            if (!string.Equals(Path.GetDirectoryName(path), Path.GetDirectoryName(Path.Combine(directory, "x")), StringComparison.Ordinal))
                return (null, "the file would not lie directly in the folder");
            return (path, null);
        }

        /// <summary>
        /// A name for the download in progress, beside the result: hidden where a leading dot hides, never a result's name
        /// (it does not end in .jpg), and short enough for any id a result name can hold.
        /// </summary>
        public static string Temporary(string fileName, string unique)
        {
            var start = fileName.Length <= 48 ? fileName : fileName.Substring(0, char.IsHighSurrogate(fileName[47]) ? 47 : 48);
            return "." + start + "." + unique + ".partial";
        }

        // Where a volume keeps 8.3 names, "ABCDEF~1.jpg" may already name "abcdefghij.jpg": such a name could find, and with
        // -Force replace, another job's picture. A short name is at most eight characters before its one dot, so a longer
        // id, or one with a dot, cannot be one.
        private static bool LooksLikeShortName(string jobId)
        {
            var tilde = jobId.LastIndexOf('~');
            if (jobId.Length > 8 || tilde < 0 || tilde == jobId.Length - 1 || jobId.IndexOf('.') >= 0) return false;
            for (var i = tilde + 1; i < jobId.Length; i++)
            {
                if (jobId[i] < '0' || jobId[i] > '9') return false;
            }
            return true;
        }

        private static bool IsDeviceName(string jobId)
        {
            var dot = jobId.IndexOf('.');
            // Windows also drops the spaces before the extension: "NUL .txt" is NUL.
            var stem = (dot < 0 ? jobId : jobId.Substring(0, dot)).TrimEnd(' ');
            foreach (var name in DeviceNames)
            {
                if (string.Equals(stem, name, StringComparison.OrdinalIgnoreCase)) return true;
            }
            if (stem.Length != 4 || DeviceDigits.IndexOf(stem[3]) < 0) return false;
            foreach (var name in NumberedDevices)
            {
                if (string.Equals(stem.Substring(0, 3), name, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }
    }
}
