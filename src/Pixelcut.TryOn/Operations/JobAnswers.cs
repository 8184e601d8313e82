using System;
using System.Globalization;
using System.Text.RegularExpressions;
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

        /// <summary>
        /// Reads a submit's 2xx answer: a job id is the job created. A result link without one is a job created and finished
        /// at once, whose result must not be lost; anything else leaves open whether a job was created.
        /// </summary>
        public static (TryOnJob? Job, Failure? Failure) Submitted(Submission submission, ApiAnswer answer, int attempts)
        {
            var body = answer.Json;
            var jobId = body != null && body.TryGetValue("job_id", out var id) ? Text(id) : null;
            if (!string.IsNullOrWhiteSpace(jobId))
            {
                var status = JsonBody.GetString(body, "status");
                var job = new TryOnJob(jobId!, string.IsNullOrEmpty(status) ? JobStatus.Pending : KnownStatus(status!), null, null, null,
                    answer.ReceivedAt, answer.RequestId,
                    new TryOnJob.Submitted(submission.Person.Shown, submission.Garment.Shown, submission.GarmentMode, attempts));
                return (job, null);
            }
            var resultUrl = JsonBody.GetString(body, "result_url");
            if (!string.IsNullOrWhiteSpace(resultUrl) && Uri.TryCreate(resultUrl, UriKind.Absolute, out var link))
            {
                return (null, new Failure(ErrorKind.ResultWithoutJobId, null, answer.StatusCode, detail: "the result is at " + HttpExchange.Shown(link),
                    attempts: attempts, requestId: answer.RequestId, resultUrl: resultUrl));
            }
            // A link in an answer of an unknown shape is shown without its query, which may be a signed grant.
            var shown = LinkQueries.Replace(answer.BodySnippet, "$1?...");
            var problem = body == null ? "the answer is not a JSON object: " + shown : "the answer has no job_id: " + shown;
            return (null, new Failure(ErrorKind.SubmitOutcomeUnknown, null, answer.StatusCode, detail: problem, attempts: attempts, requestId: answer.RequestId));
        }

        /// <summary>The credit balance: credits_remaining as a number, or as the string of one (the schema says string, the example a number).</summary>
        public static (PixelcutCredit? Credit, string? Problem) Credit(ApiAnswer answer)
        {
            object? value = null;
            if (answer.Json == null || !answer.Json.TryGetValue("credits_remaining", out value) || value == null)
                return (null, "the answer has no credits_remaining: " + answer.BodySnippet);
            // A number is read back from its shortest text, so 1000 reads as 1000, not 1000.00.
            var text = value is double number ? number.ToString("R", CultureInfo.InvariantCulture) : value as string;
            var read = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var credits);
            return read ? (new PixelcutCredit(credits, answer.ReceivedAt, answer.RequestId), (string?)null)
                : (null, "credits_remaining is not a number: " + answer.BodySnippet);
        }

        /// <summary>How a finished job ended, for messages: "completed", or "failed with" its error code.</summary>
        public static string Ending(TryOnJob job) =>
            job.Status == JobStatus.Completed ? "completed"
            : job.Status == JobStatus.Failed ? $"failed with {job.ErrorCode ?? "no error code"}"
            : $"it reads as {job.Status}";

        private static readonly Regex LinkQueries = new Regex(@"(https?://[^\s""'?]*)\?[^\s""']*", RegexOptions.IgnoreCase);

        /// <summary>An id as text, whether the API sent it as a string or a number.</summary>
        private static string? Text(object? value) =>
            value is string text ? text : value is double number ? number.ToString("R", CultureInfo.InvariantCulture) : null;

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
