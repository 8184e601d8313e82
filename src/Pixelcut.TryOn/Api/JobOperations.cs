using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Resilience;

namespace Pixelcut.TryOn.Api
{
    /// <summary>The endpoints of the Try On API that take a job id, on top of the one request path.</summary>
    internal static class JobOperations
    {
        public static async Task<JobResult<TryOnJob>> GetAsync(JobRequester requester, string jobId, CancellationToken cancellation)
        {
            var result = await requester.SendAsync(HttpMethod.Get, jobId, JobPath.For(jobId), cancellation).ConfigureAwait(false);
            return result.Map(TryOnJob.Read);
        }

        public static async Task<JobResult<CancelledJob>> CancelAsync(JobRequester requester, string jobId, CancellationToken cancellation)
        {
            var result = (await requester.SendAsync(HttpMethod.Post, jobId, JobPath.For(jobId, "/cancel"), cancellation).ConfigureAwait(false))
                .Map(CancelledJob.Read);
            if (result.Failure?.Kind != ErrorKind.JobFinished || !result.EarlierAttemptMayHaveLanded) return result;

            // An earlier attempt may have cancelled the job and lost its answer; the job's status tells
            // whether this "already finished" is our own cancel or a job that really ended on its own.
            var status = await GetAsync(requester, jobId, cancellation).ConfigureAwait(false);
            var trace = new System.Collections.Generic.List<string>(result.Trace);
            trace.AddRange(status.Trace);
            if (status.Value?.IsCancelled == true)
            {
                trace.Add($"Job '{ErrorTable.Printable(jobId)}' reads as cancelled: an earlier attempt cancelled it.");
                return new JobResult<CancelledJob>(jobId, new CancelledJob(jobId, "Job cancelled"), null, trace);
            }
            return new JobResult<CancelledJob>(jobId, null, result.Failure, trace);
        }
    }
}
