using System;
using System.Collections.Generic;

using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>How one job ended: a value or a failure, with the trace of the requests it took.</summary>
    internal sealed class JobResult<T> where T : class
    {
        public JobResult(string jobId, T? value, Failure? failure, IReadOnlyList<TraceLine> trace, bool mayHaveReachedServer = false, int attempts = 0)
        {
            Attempts = attempts;
            JobId = jobId;
            Value = value;
            Failure = failure;
            Trace = trace;
            MayHaveReachedServer = mayHaveReachedServer;
        }

        public string JobId { get; }
        public T? Value { get; }
        public Failure? Failure { get; }

        /// <summary>One line per request and retry, for the Verbose stream.</summary>
        public IReadOnlyList<TraceLine> Trace { get; }

        /// <summary>True when the server may have acted on one of the requests, whatever the outcome says.</summary>
        public bool MayHaveReachedServer { get; }

        /// <summary>Requests sent for the job.</summary>
        public int Attempts { get; }

        public static JobResult<T> Succeeded(JobResult<ApiAnswer> sent, T value) =>
            new JobResult<T>(sent.JobId, value, null, sent.Trace, sent.MayHaveReachedServer, sent.Attempts);

        public static JobResult<T> Failed(JobResult<ApiAnswer> sent, Failure failure) =>
            new JobResult<T>(sent.JobId, null, failure, sent.Trace, sent.MayHaveReachedServer, sent.Attempts);

        /// <summary>This outcome after more requests for the same job: their trace lines and attempts are added to its own.</summary>
        public JobResult<T> Then<TOther>(JobResult<TOther> more) where TOther : class =>
            new JobResult<T>(JobId, Value, Failure, Concat(Trace, more.Trace), MayHaveReachedServer, Attempts + more.Attempts);

        public JobResult<T> WithTrace(IEnumerable<TraceLine> more) =>
            new JobResult<T>(JobId, Value, Failure, Concat(Trace, more), MayHaveReachedServer, Attempts);

        private static IReadOnlyList<TraceLine> Concat(IEnumerable<TraceLine> first, IEnumerable<TraceLine> second)
        {
            var trace = new List<TraceLine>(first);
            trace.AddRange(second);
            return trace;
        }
    }
}
