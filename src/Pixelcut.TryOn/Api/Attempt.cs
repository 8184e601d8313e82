using System;
using System.Collections.Generic;

namespace Pixelcut.TryOn.Api
{
    /// <summary>One request and how it ended: a readable 200, or a failure.</summary>
    internal sealed class Attempt
    {
        private Attempt(IReadOnlyDictionary<string, object?>? body, Failure? failure, TimeSpan? retryAfter, bool mayHaveReachedServer)
        {
            Body = body;
            Failure = failure;
            RetryAfter = retryAfter;
            MayHaveReachedServer = mayHaveReachedServer;
        }

        /// <summary>The parsed body of a 200; null when the attempt failed.</summary>
        public IReadOnlyDictionary<string, object?>? Body { get; }

        public Failure? Failure { get; }

        /// <summary>What the server asked for in Retry-After, if it said anything.</summary>
        public TimeSpan? RetryAfter { get; }

        /// <summary>
        /// True when the server may have acted on the request although no clear answer came back
        /// (timeout, dropped connection, 5xx), so a later "already finished" may be our own doing.
        /// </summary>
        public bool MayHaveReachedServer { get; }

        public static Attempt Succeeded(IReadOnlyDictionary<string, object?> body) => new Attempt(body, null, null, false);

        public static Attempt Failed(Failure failure, TimeSpan? retryAfter = null, bool mayHaveReachedServer = false) =>
            new Attempt(null, failure, retryAfter, mayHaveReachedServer);
    }
}
