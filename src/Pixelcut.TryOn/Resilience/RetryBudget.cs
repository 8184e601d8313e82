namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// Keeps retries of 429s a bounded share of a command's traffic: each first attempt earns a fifth of a retry, up to a
    /// store of fifty, from a start of ten. A command the API keeps refusing (out of quota) soon stops retrying at full
    /// rate, while a batch whose 429s are few, as a paced one's are, never runs short.
    /// </summary>
    internal sealed class RetryBudget
    {
        // Counted in fifths of a retry, so what five first attempts earn is exactly one.
        private const int FifthsPerRetry = 5;
        private const int StartFifths = 10 * FifthsPerRetry;
        private const int MostFifths = 50 * FifthsPerRetry;

        private readonly object _gate = new object();
        private int _fifths = StartFifths;

        public void OnFirstAttempt()
        {
            lock (_gate)
            {
                if (_fifths < MostFifths) _fifths++;
            }
        }

        /// <summary>Takes one retry from the budget; false when none is left.</summary>
        public bool TrySpend()
        {
            lock (_gate)
            {
                if (_fifths < FifthsPerRetry) return false;
                _fifths -= FifthsPerRetry;
                return true;
            }
        }
    }
}
