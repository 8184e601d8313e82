using System;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Operations
{
    /// <summary>What the API's 2xx answers mean: a status body read into a TryOnJob, a cancel answer into a CancelledJob.</summary>
    internal static class JobAnswers
    {
        public const string DefaultCancelMessage = "Job cancelled";

        /// <summary>Any 2xx to a cancel means the cancel took effect, whatever its body says or lacks.</summary>
        public static CancelledJob Cancelled(string jobId, ApiAnswer answer, int attempts)
        {
            var message = JsonBody.GetString(answer.Json, "message");
            return new CancelledJob(jobId, string.IsNullOrWhiteSpace(message) ? DefaultCancelMessage : message!, answer.ReceivedAt, attempts, answer.RequestId);
        }

        /// <summary>A cancel confirmed by a status read that shows the job cancelled, after the cancel itself was answered 409.</summary>
        public static CancelledJob ConfirmedCancelled(TryOnJob job, int attempts) =>
            new CancelledJob(job.JobId, DefaultCancelMessage, job.RetrievedAt, attempts, job.RequestId);

        /// <summary>Reads a status answer; the job, or why the answer cannot be this job's status.</summary>
        public static (TryOnJob? Job, string? Problem) Status(string requestedJobId, ApiAnswer answer)
        {
            var body = answer.Json;
            if (body == null) return (null, "the body is not a JSON object: " + answer.BodySnippet);
            var status = JsonBody.GetString(body, "status");
            if (string.IsNullOrEmpty(status)) return (null, "the body has no status: " + answer.BodySnippet);
            var answeredJobId = JsonBody.GetString(body, "job_id");
            if (answeredJobId != null && !string.Equals(answeredJobId, requestedJobId, StringComparison.Ordinal))
                return (null, $"the answer is about job '{answeredJobId}', not the job asked for");
            var error = JsonBody.GetObject(body, "error");
            var job = new TryOnJob(
                requestedJobId,
                KnownStatus(status!),
                JsonBody.GetString(body, "result_url"),
                JsonBody.GetString(error, "error_code"),
                JsonBody.GetString(error, "message"),
                answer.ReceivedAt,
                answer.RequestId);
            return (job, null);
        }

        /// <summary>How a finished job ended, for messages: "completed", or "failed with" its error code.</summary>
        public static string Ending(TryOnJob job) =>
            job.Status == JobStatus.Completed ? "completed"
            : job.Status == JobStatus.Failed ? $"failed with {job.ErrorCode ?? "no error code"}"
            : $"it reads as {job.Status}";

        private static string KnownStatus(string status)
        {
            foreach (var known in JobStatus.Known)
            {
                if (string.Equals(status, known, StringComparison.OrdinalIgnoreCase)) return known;
            }
            return status;
        }
    }
}
