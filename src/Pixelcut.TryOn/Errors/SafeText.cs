using System.Globalization;
using System.Text;

namespace Pixelcut.TryOn.Errors
{
    /// <summary>
    /// The one rule for text the module did not write itself (server answers, job ids): control
    /// characters, bidirectional overrides and lone surrogates are shown as \uXXXX escapes, so no
    /// answer can clear the console, retitle the window, ring the bell or reorder what a user reads.
    /// </summary>
    internal static class SafeText
    {
        public static string Printable(string? text)
        {
            if (text == null) return string.Empty;
            if (IsPrintable(text)) return text;
            var builder = new StringBuilder(text.Length + 16);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    builder.Append(c).Append(text[++i]);
                    continue;
                }
                if (IsUnsafe(c)) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else builder.Append(c);
            }
            return builder.ToString();
        }

        /// <summary>At most <paramref name="maxLength"/> characters of the text, on one line, printable.</summary>
        public static string Snippet(string text, int maxLength = 120)
        {
            var oneLine = text.Replace("\r", " ").Replace("\n", " ").Replace("\t", " ").Trim();
            var cut = oneLine.Length <= maxLength ? oneLine : oneLine.Substring(0, maxLength);
            if (cut.Length > 0 && char.IsHighSurrogate(cut[cut.Length - 1])) cut = cut.Substring(0, cut.Length - 1);
            return "'" + Printable(cut) + (cut.Length < oneLine.Length ? "...'" : "'");
        }

        private static bool IsPrintable(string text)
        {
            foreach (var c in text)
            {
                if (IsUnsafe(c) || char.IsSurrogate(c)) return false;
            }
            return true;
        }

        /// <summary>A control, text-direction or surrogate character: never shown as it is.</summary>
        public static bool IsUnsafe(char c) =>
            char.IsControl(c) || char.IsSurrogate(c) ||
            (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }
}
