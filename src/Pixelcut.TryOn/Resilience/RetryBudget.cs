using System;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// Keeps retries of 429s a bounded share of a command's traffic: each first attempt earns a fifth of a retry, up to a
    /// store of fifty, from a start of ten. A command the API keeps refusing (out of quota) soon stops retrying at full rate,
    /// while a batch whose 429s are few, as a paced one's are, never runs short.
    /// </summary>
    internal sealed class RetryBudget
    {
        public const double Start = 10;
        public const double EarnedPerFirstAttempt = 0.2;
        public const double Most = 50;

        private readonly object _gate = new object();
        private double _retries = Start;

        public void OnFirstAttempt()
        {
            lock (_gate) _retries = Math.Min(Most, _retries + EarnedPerFirstAttempt);
        }

        /// <summary>Takes one retry from the budget; false when none is left.</summary>
        public bool TrySpend()
        {
            lock (_gate)
            {
                if (_retries < 1) return false;
                _retries -= 1;
                return true;
            }
        }
    }
}
