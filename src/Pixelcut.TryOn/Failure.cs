using System;

namespace Pixelcut.TryOn
{
    /// <summary>What went wrong for one job, before it becomes an exception.</summary>
    internal sealed class Failure
    {
        public Failure(ErrorKind kind, string? jobId, int statusCode = 0, string? errorCode = null, string? detail = null, int attempts = 1,
            Exception? cause = null, string? requestId = null, string? subject = null, string? resultUrl = null)
        {
            Subject = subject;
            ResultUrl = resultUrl;
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

        /// <summary>What the failure is about when it is not a job id: "the submit of person image 'p' with garment image 'g'".</summary>
        public string? Subject { get; }

        /// <summary>The result link of a job answered without its id, so the result that was paid for is not lost.</summary>
        public string? ResultUrl { get; }

        /// <summary>This failure as it stops another job before that job's next request went out: the same outcome, without this one's request id or cause.</summary>
        public Failure StoppingUnsent(string jobId, int attempts) => new Failure(Kind, jobId, StatusCode, ErrorCode, Detail, attempts, subject: Subject);

        public Failure WithAttempts(int attempts) => new Failure(Kind, JobId, StatusCode, ErrorCode, Detail, attempts, Cause, RequestId, Subject, ResultUrl);

        public Failure WithDetail(string detail) => new Failure(Kind, JobId, StatusCode, ErrorCode, detail, Attempts, Cause, RequestId, Subject, ResultUrl);

        /// <summary>This failure as the outcome of the request <paramref name="subject"/> names, which has no job id.</summary>
        public Failure About(string subject) => new Failure(Kind, null, StatusCode, ErrorCode, Detail, Attempts, Cause, RequestId, subject, ResultUrl);

        /// <summary>This failure read again as <paramref name="kind"/>, keeping everything it knows.</summary>
        public Failure As(ErrorKind kind) => new Failure(kind, JobId, StatusCode, ErrorCode, Detail, Attempts, Cause, RequestId, Subject, ResultUrl);
    }
}
