namespace Pixelcut.TryOn.Diagnostics
{
    /// <summary>One line about a request for the user: Verbose says what happened, Debug shows the HTTP exchange itself.</summary>
    internal sealed class TraceLine
    {
        private TraceLine(string text, bool isDebug)
        {
            Text = text;
            IsDebug = isDebug;
        }

        public string Text { get; }
        public bool IsDebug { get; }

        public static TraceLine Verbose(string text) => new TraceLine(text, false);
        public static TraceLine Debug(string text) => new TraceLine(text, true);
    }
}
