using System;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>One request and how it ended: a 2xx answer, or a failure.</summary>
    internal sealed class Attempt
    {
        private Attempt(ApiAnswer? answer, Failure? failure, TimeSpan? retryAfter, bool mayHaveReachedServer)
        {
            Answer = answer;
            Failure = failure;
            RetryAfter = retryAfter;
            MayHaveReachedServer = mayHaveReachedServer;
        }

        /// <summary>The 2xx answer; null when the attempt failed.</summary>
        public ApiAnswer? Answer { get; }

        public Failure? Failure { get; }

        /// <summary>What the server asked for in Retry-After, if it said anything.</summary>
        public TimeSpan? RetryAfter { get; }

        /// <summary>
        /// True when the server may have acted on the request although no clear answer came back
        /// (timeout, dropped connection, 5xx, an answer that could not be read).
        /// </summary>
        public bool MayHaveReachedServer { get; }

        public static Attempt Succeeded(ApiAnswer answer) => new Attempt(answer, null, null, true);

        public static Attempt Failed(Failure failure, TimeSpan? retryAfter = null, bool mayHaveReachedServer = false) =>
            new Attempt(null, failure, retryAfter, mayHaveReachedServer);
    }
}
