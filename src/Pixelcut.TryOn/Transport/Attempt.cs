using System;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>One request and how it ended: what its answer gave, or a failure.</summary>
    /// <typeparam name="T">What a usable answer gives: the API's parsed answer, or the size of a downloaded picture.</typeparam>
    internal sealed class Attempt<T> where T : class
    {
        private Attempt(T? value, Failure? failure, TimeSpan? retryAfter, bool mayHaveReachedServer, RateLimitHint? rateLimit)
        {
            RateLimit = rateLimit;
            Value = value;
            Failure = failure;
            RetryAfter = retryAfter;
            MayHaveReachedServer = mayHaveReachedServer;
        }

        /// <summary>What the answer gave; null when the attempt failed.</summary>
        public T? Value { get; }

        public Failure? Failure { get; }

        /// <summary>What the answer's rate-limit headers said, if it sent any.</summary>
        public RateLimitHint? RateLimit { get; }

        /// <summary>What the server asked for in Retry-After, if it said anything.</summary>
        public TimeSpan? RetryAfter { get; }

        /// <summary>
        /// True when the server may have acted on the request although no clear answer came back
        /// (timeout, dropped connection, 5xx, an answer that could not be read).
        /// </summary>
        public bool MayHaveReachedServer { get; }

        public static Attempt<T> Succeeded(T value) => new Attempt<T>(value, null, null, true, null);

        public static Attempt<T> Failed(Failure failure, TimeSpan? retryAfter = null, bool mayHaveReachedServer = false, RateLimitHint? rateLimit = null) =>
            new Attempt<T>(null, failure, retryAfter, mayHaveReachedServer, rateLimit);

        /// <summary>This failed attempt with another failure, keeping what its answer said.</summary>
        public Attempt<T> WithFailure(Failure failure) => new Attempt<T>(null, failure, RetryAfter, MayHaveReachedServer, RateLimit);
    }
}
