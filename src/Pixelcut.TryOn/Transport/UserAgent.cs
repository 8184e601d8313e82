using System.Text;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>The User-Agent the API's support sees: module, PowerShell and OS, as one header-safe line.</summary>
    internal static class UserAgent
    {
        public static string For(string moduleVersion, string powerShellVersion, string operatingSystem) =>
            $"Pixelcut.TryOn/{Token(moduleVersion)} PowerShell/{Token(powerShellVersion)} ({Comment(operatingSystem)})";

        /// <summary>A product version: visible ASCII without separators, so nothing can end or split the header.</summary>
        private static string Token(string text) => Keep(text, c => c > ' ' && c < '\u007f' && "()<>@,;:\\\"/[]?={}".IndexOf(c) < 0);

        /// <summary>A comment: printable ASCII without parentheses or backslashes.</summary>
        private static string Comment(string text) => Keep(text, c => c >= ' ' && c < '\u007f' && c != '(' && c != ')' && c != '\\');

        private static string Keep(string text, System.Func<char, bool> allowed)
        {
            var builder = new StringBuilder(text.Length);
            foreach (var c in text.Trim()) builder.Append(allowed(c) ? c : '_');
            return builder.Length == 0 ? "unknown" : builder.ToString();
        }
    }
}
