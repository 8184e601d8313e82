namespace Pixelcut.TryOn.Resilience
{
    /// <summary>What a command's requests came to, for the line that says how a long run went.</summary>
    internal sealed class RequestStatistics
    {
        public RequestStatistics(int requests, int answered429, int retries, int peakInFlight)
        {
            Requests = requests;
            Answered429 = answered429;
            Retries = retries;
            PeakInFlight = peakInFlight;
        }

        public int Requests { get; }
        public int Answered429 { get; }
        public int Retries { get; }
        public int PeakInFlight { get; }
    }
}
