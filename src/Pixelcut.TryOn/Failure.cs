using System;

namespace Pixelcut.TryOn
{
    /// <summary>What went wrong for one job, before it becomes an exception.</summary>
    internal sealed class Failure
    {
        public Failure(ErrorKind kind, string? jobId, int statusCode = 0, string? errorCode = null, string? detail = null, int attempts = 1,
            Exception? cause = null, string? requestId = null)
        {
            RequestId = requestId;
            Kind = kind;
            JobId = jobId;
            StatusCode = statusCode;
            ErrorCode = errorCode;
            Detail = detail;
            Attempts = attempts;
            Cause = cause;
        }

        public ErrorKind Kind { get; }
        public string? JobId { get; }
        public int StatusCode { get; }
        public string? ErrorCode { get; }
        /// <summary>The server's own text, or what the transport said when no answer came.</summary>
        public string? Detail { get; }
        public int Attempts { get; }

        /// <summary>The exception behind a failure without an answer, kept as the inner exception.</summary>
        public Exception? Cause { get; }

        /// <summary>The request id the server gave its last answer (x-request-id, request-id or cf-ray), for support.</summary>
        public string? RequestId { get; }

        /// <summary>This failure as it stops another job before that job's next request went out: the same outcome, without this one's request id or cause.</summary>
        public Failure StoppingUnsent(string jobId, int attempts) => new Failure(Kind, jobId, StatusCode, ErrorCode, Detail, attempts);

        public Failure WithAttempts(int attempts) => new Failure(Kind, JobId, StatusCode, ErrorCode, Detail, attempts, Cause, RequestId);

        public Failure WithDetail(string detail) => new Failure(Kind, JobId, StatusCode, ErrorCode, detail, Attempts, Cause, RequestId);
    }
}
