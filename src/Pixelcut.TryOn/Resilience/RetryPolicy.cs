using System;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// The one retry rule: which failures are worth another attempt, and how long to wait first.
    /// Retry-After wins when the server sends it; otherwise exponential backoff with full jitter,
    /// as Pixelcut advises (base 250 ms, each wait capped at 5 s).
    /// </summary>
    internal sealed class RetryPolicy
    {
        public const int DefaultMaxRetryCount = 5;
        public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(250);
        public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
        public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

        private readonly Func<double> _random;

        /// <param name="random">A source of numbers in [0, 1); the jitter.</param>
        public RetryPolicy(int maxRetryCount, Func<double> random)
        {
            MaxRetryCount = maxRetryCount;
            _random = random;
        }

        public int MaxRetryCount { get; }

        public static bool IsRetryable(Failure failure)
        {
            switch (failure.Kind)
            {
                case ErrorKind.RateLimitExceeded:
                case ErrorKind.ConnectionFailed:
                case ErrorKind.RequestTimedOut:
                    return true;
                case ErrorKind.ServerError:
                    return failure.StatusCode == 500 || failure.StatusCode == 502 || failure.StatusCode == 503 || failure.StatusCode == 504;
                default:
                    return false;
            }
        }

        /// <summary>The decision after attempt number <paramref name="attempt"/> (1-based) failed.</summary>
        public RetryDecision Decide(int attempt, Failure failure, TimeSpan? retryAfter)
        {
            if (!IsRetryable(failure)) return RetryDecision.GiveUp("it is not worth retrying");
            if (attempt > MaxRetryCount) return RetryDecision.GiveUp($"{attempt} attempt(s) made, -MaxRetryCount is {MaxRetryCount}");
            if (retryAfter.HasValue)
            {
                return retryAfter.Value <= MaxRetryAfter
                    ? RetryDecision.RetryAfter(retryAfter.Value)
                    : RetryDecision.GiveUp($"the server asked to wait {retryAfter.Value.TotalSeconds:0} s, more than the {MaxRetryAfter.TotalSeconds:0} s allowed");
            }
            var ceiling = Math.Min(MaxBackoff.Ticks, BaseDelay.Ticks * Math.Pow(2, attempt - 1));
            return RetryDecision.RetryAfter(TimeSpan.FromTicks((long)(ceiling * _random())));
        }
    }

    internal sealed class RetryDecision
    {
        private RetryDecision(TimeSpan? delay, string? reason)
        {
            Delay = delay;
            Reason = reason;
        }

        /// <summary>How long to wait before the next attempt; null when there is none.</summary>
        public TimeSpan? Delay { get; }

        /// <summary>Why there is no next attempt.</summary>
        public string? Reason { get; }

        public static RetryDecision RetryAfter(TimeSpan delay) => new RetryDecision(delay, null);
        public static RetryDecision GiveUp(string reason) => new RetryDecision(null, reason);
    }
}
