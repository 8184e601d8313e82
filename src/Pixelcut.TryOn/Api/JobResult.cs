using System;
using System.Collections.Generic;

namespace Pixelcut.TryOn.Api
{
    /// <summary>How one job ended: a value or a failure, with the trace of the requests it took.</summary>
    internal sealed class JobResult<T> where T : class
    {
        public JobResult(string jobId, T? value, Failure? failure, IReadOnlyList<string> trace, bool earlierAttemptMayHaveLanded = false)
        {
            JobId = jobId;
            Value = value;
            Failure = failure;
            Trace = trace;
            EarlierAttemptMayHaveLanded = earlierAttemptMayHaveLanded;
        }

        public string JobId { get; }
        public T? Value { get; }
        public Failure? Failure { get; }

        /// <summary>One line per request and retry, for the Verbose stream.</summary>
        public IReadOnlyList<string> Trace { get; }

        /// <summary>True when an attempt before the last may have been acted on by the server.</summary>
        public bool EarlierAttemptMayHaveLanded { get; }

        /// <summary>Reads a success into <typeparamref name="TOut"/>; a body it cannot read becomes UnexpectedResponse.</summary>
        public JobResult<TOut> Map<TOut>(Func<string, T, TOut?> read) where TOut : class
        {
            if (Value == null) return new JobResult<TOut>(JobId, null, Failure, Trace, EarlierAttemptMayHaveLanded);
            var mapped = read(JobId, Value);
            return mapped != null
                ? new JobResult<TOut>(JobId, mapped, null, Trace, EarlierAttemptMayHaveLanded)
                : new JobResult<TOut>(JobId, null,
                    new Failure(ErrorKind.UnexpectedResponse, JobId, 200, detail: "the body lacks the fields the API documents"), Trace, EarlierAttemptMayHaveLanded);
        }
    }
}
