using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Operations
{
    /// <summary>The endpoints of the Try On API that take a job id, and the account's credits, on top of the one request path.</summary>
    internal static class JobOperations
    {
        public const string CreditsPath = "v1/credits";
        private const string CreditsSubject = "the credit balance";

        public static async Task<JobResult<PixelcutCredit>> GetCreditAsync(JobRequester requester, CancellationToken cancellation)
        {
            var sent = await requester.SendAsync(HttpMethod.Get, string.Empty, CreditsPath, null, continuesJob: false, cancellation).ConfigureAwait(false);
            if (sent.Value == null) return JobResult<PixelcutCredit>.Failed(sent, ErrorTable.NotAboutAJob(sent.Failure!).About(CreditsSubject));
            var (credit, problem) = JobAnswers.Credit(sent.Value);
            return credit != null
                ? JobResult<PixelcutCredit>.Succeeded(sent, credit)
                : JobResult<PixelcutCredit>.Failed(sent, new Failure(ErrorKind.UnexpectedResponse, null, sent.Value.StatusCode, detail: problem,
                    requestId: sent.Value.RequestId, subject: CreditsSubject));
        }

        /// <param name="continuesJob">True for a read that continues work already begun on the job, which goes ahead of jobs not yet sent.</param>
        public static async Task<JobResult<TryOnJob>> GetAsync(JobRequester requester, string jobId, Action? sending, bool continuesJob,
            CancellationToken cancellation)
        {
            var sent = await requester.SendAsync(HttpMethod.Get, jobId, JobPath.For(jobId), sending, continuesJob, cancellation).ConfigureAwait(false);
            if (sent.Value == null) return JobResult<TryOnJob>.Failed(sent, sent.Failure!);
            var (job, problem) = JobAnswers.Status(jobId, sent.Value);
            return job != null
                ? JobResult<TryOnJob>.Succeeded(sent, job)
                : JobResult<TryOnJob>.Failed(sent, new Failure(ErrorKind.UnexpectedResponse, jobId, sent.Value.StatusCode, detail: problem,
                    requestId: sent.Value.RequestId));
        }

        public static async Task<JobResult<CancelledJob>> CancelAsync(JobRequester requester, string jobId, Action? sending, CancellationToken cancellation)
        {
            var sent = await requester.SendAsync(HttpMethod.Post, jobId, JobPath.For(jobId, "/cancel"), sending, continuesJob: false, cancellation).ConfigureAwait(false);
            if (sent.Value != null) return JobResult<CancelledJob>.Succeeded(sent, JobAnswers.Cancelled(jobId, sent.Value, sent.Attempts));
            if (sent.Failure!.Kind != ErrorKind.JobFinished) return JobResult<CancelledJob>.Failed(sent, sent.Failure);

            // "Already finished" may be our own cancel: the transport resends a request whose connection closed
            // before any answer, and a lost answer may have been retried. Only the job's status tells which.
            var status = await GetAsync(requester, jobId, null, continuesJob: true, cancellation).ConfigureAwait(false);
            var job = status.Value;
            if (job?.IsCancelled == true)
            {
                var confirmed = JobResult<CancelledJob>.Succeeded(sent, JobAnswers.ConfirmedCancelled(job, sent.Attempts + status.Attempts));
                return confirmed.Then(status).WithTrace(new[]
                    { TraceLine.Verbose($"Job '{SafeText.Printable(jobId)}' answered 409 but reads as cancelled: the cancel took effect.") });
            }
            var ending = job == null ? "its status could not be read" : JobAnswers.Ending(job);
            var finished = sent.Failure.WithDetail(ending);
            return JobResult<CancelledJob>.Failed(sent, finished).Then(status);
        }
    }
}
