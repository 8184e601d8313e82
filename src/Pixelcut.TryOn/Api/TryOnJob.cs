using System;

namespace Pixelcut.TryOn
{
    /// <summary>A Try On job as the status endpoint describes it.</summary>
    public sealed class TryOnJob
    {
        public const string CancelledErrorCode = "job_cancelled";

        public TryOnJob(string jobId, string status, string? resultUrl, string? errorCode, string? errorMessage)
        {
            JobId = jobId;
            Status = status;
            ResultUrl = resultUrl;
            ErrorCode = errorCode;
            ErrorMessage = errorMessage;
        }

        public string JobId { get; }

        /// <summary>Pending, Running, Completed or Failed; a value this module does not know yet is kept as the API sent it.</summary>
        public string Status { get; }

        public string? ResultUrl { get; }
        public string? ErrorCode { get; }
        public string? ErrorMessage { get; }

        /// <summary>The API has no cancelled status: a cancelled job reads as failed with job_cancelled.</summary>
        public bool IsCancelled => Status == "Failed" && ErrorCode == CancelledErrorCode;

        /// <summary>How a finished job ended, for messages: "completed", or "failed with" its error code.</summary>
        internal string Ending =>
            Status == "Completed" ? "completed"
            : Status == "Failed" ? $"failed with {ErrorCode ?? "no error code"}"
            : $"it reads as {Status}";

        /// <summary>Reads a status answer; the value, or why the answer cannot be this job's status.</summary>
        internal static (TryOnJob? Job, string? Problem) Read(string requestedJobId, Api.ApiAnswer answer)
        {
            var body = answer.Json;
            if (body == null) return (null, "the body is not a JSON object: " + answer.BodySnippet);
            var status = Api.JsonBody.GetString(body, "status");
            if (string.IsNullOrEmpty(status)) return (null, "the body has no status: " + answer.BodySnippet);
            var answeredJobId = Api.JsonBody.GetString(body, "job_id");
            if (answeredJobId != null && !string.Equals(answeredJobId, requestedJobId, StringComparison.Ordinal))
                return (null, $"the answer is about job '{answeredJobId}', not the job asked for");
            var error = Api.JsonBody.GetObject(body, "error");
            var job = new TryOnJob(
                requestedJobId,
                KnownStatus(status!),
                Api.JsonBody.GetString(body, "result_url"),
                Api.JsonBody.GetString(error, "error_code"),
                Api.JsonBody.GetString(error, "message"));
            return (job, null);
        }

        private static string KnownStatus(string status)
        {
            foreach (var known in new[] { "Pending", "Running", "Completed", "Failed" })
            {
                if (string.Equals(status, known, StringComparison.OrdinalIgnoreCase)) return known;
            }
            return status;
        }
    }
}
