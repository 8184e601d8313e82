using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Diagnostics;
using Pixelcut.TryOn.Files;

namespace Pixelcut.TryOn.Operations
{
    /// <summary>
    /// Saves completed jobs' results for one command. A job's status is read first unless a recent record already says
    /// it completed; its link is downloaded under the command's retry rule, and once more through a fresh link when the
    /// result host refuses the first (links expire). The picture goes to a temporary file beside the result and is
    /// moved into place only whole: a failed, stopped or interrupted save leaves no file behind.
    /// </summary>
    internal sealed class ResultSaver
    {
        /// <summary>A link this close to the end of its hour may expire while the picture downloads.</summary>
        public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

        private readonly ResultDownload _download;
        private readonly bool _replace;
        private readonly IRequestGate _downloads;
        private readonly TemporaryFiles _temporaryFiles = new TemporaryFiles();
        private long _bytesReceived;

        /// <param name="downloads">What every download passes through: the command's cap on downloads at once and the result host's circuit.</param>
        /// <param name="replace">Whether an existing file is replaced (-Force) rather than left as it is.</param>
        public ResultSaver(ResultDownload download, IRequestGate downloads, bool replace)
        {
            _download = download;
            _downloads = downloads;
            _replace = replace;
        }

        /// <summary>Bytes of pictures received so far, for progress; a retried download counts again.</summary>
        public long BytesReceived => Interlocked.Read(ref _bytesReceived);

        /// <summary>Whether a job record says enough to download without reading the status again: completed, with a link still valid for a while.</summary>
        public static bool IsUsable(TryOnJob? job, DateTime utcNow) =>
            job != null && job.Status == JobStatus.Completed && job.ResultUrl != null &&
            utcNow - job.RetrievedAt < TryOnJob.ResultUrlValidity - ExpiryMargin;

        /// <summary>Saves the result of <paramref name="jobId"/> as the file <paramref name="path"/>.</summary>
        /// <param name="known">A record of the job already at hand; its link is used when <see cref="IsUsable"/> says so.</param>
        public async Task<JobResult<FileInfo>> SaveAsync(JobRequester requester, string jobId, string path, TryOnJob? known, Action? sending,
            CancellationToken cancellation)
        {
            var trace = new List<TraceLine>();
            var requests = 0;
            var downloads = 0;
            JobResult<FileInfo> Failed(Failure failure) => new JobResult<FileInfo>(jobId, null, failure, trace, attempts: requests);

            var job = IsUsable(known, DateTime.UtcNow) ? known : null;
            using (var file = _temporaryFiles.Beside(path))
            {
                for (var refreshed = false; ; refreshed = true)
                {
                    if (job == null)
                    {
                        var read = await JobOperations.GetAsync(requester, jobId, sending, continuesJob: refreshed, cancellation).ConfigureAwait(false);
                        trace.AddRange(read.Trace);
                        requests += read.Attempts;
                        if (read.Value == null) return Failed(read.Failure!);
                        job = read.Value;
                    }
                    if (job.Status != JobStatus.Completed) return Failed(NotCompleted(job));
                    var (link, problem) = ResultDownload.Checked(job.ResultUrl);
                    if (link == null) return Failed(new Failure(ErrorKind.DownloadFailed, jobId, detail: problem, attempts: downloads));

                    var downloaded = await requester.RetryAsync(_downloads, $"the download of job '{SafeText.Printable(jobId)}'", jobId, trace, continuesJob: true,
                        () => _download.GetAsync(jobId, link, file.Open, requester.Timeout, trace.Add, Received, cancellation), cancellation).ConfigureAwait(false);
                    downloads += downloaded.Attempts;
                    requests += downloaded.Attempts;
                    var failure = downloaded.Failure;
                    if (failure == null)
                    {
                        var placed = file.MoveTo(jobId, path, _replace);
                        if (placed != null) return Failed(placed);
                        var saved = new FileInfo(path);
                        // Read here, off the pipeline thread, and kept: the record says what was saved even if the file moves on.
                        saved.Refresh();
                        return new JobResult<FileInfo>(jobId, saved, null, trace, attempts: requests);
                    }
                    if (failure.Kind != ErrorKind.ResultExpired || refreshed) return Failed(Final(failure, downloads));
                    trace.Add(TraceLine.Verbose($"The result host refused the link of job '{SafeText.Printable(jobId)}' ({failure.StatusCode}); reading the job again for a fresh link."));
                    job = null;
                }
            }
        }

        /// <summary>Waits until every temporary file this saver made is gone, so a stopped command leaves none behind; false if time ran out.</summary>
        public bool WaitForCleanUp(TimeSpan timeout) => _temporaryFiles.WaitForCleanUp(timeout);

        /// <summary>Why a job that is not completed has nothing to save: its status, and for a failed job its error.</summary>
        internal static Failure NotCompleted(TryOnJob job)
        {
            var detail = $"is {job.Status}";
            if (job.Status == JobStatus.Failed)
                detail += $" ({job.ErrorCode ?? "no error code"}{(string.IsNullOrEmpty(job.ErrorMessage) ? "" : ": " + job.ErrorMessage)})";
            return new Failure(ErrorKind.JobNotCompleted, job.JobId, 200, job.ErrorCode, detail, requestId: job.RequestId);
        }

        /// <summary>
        /// A download's last failure as the command reports it: what the retry rule judged (a 5xx, a dropped connection,
        /// a timeout) becomes DownloadFailed, keeping its status, text and cause; a refused link stays ResultExpired, and
        /// a failure that dooms every job (a proxy asking for credentials) stays what it is.
        /// </summary>
        internal static Failure Final(Failure failure, int attempts) =>
            failure.Kind == ErrorKind.ResultExpired || failure.Kind == ErrorKind.DownloadFailed || ErrorTable.For(failure.Kind).Terminating
                ? failure.WithAttempts(attempts)
                : new Failure(ErrorKind.DownloadFailed, failure.JobId, failure.StatusCode, failure.ErrorCode, failure.Detail, attempts, failure.Cause, failure.RequestId);

        private void Received(int bytes) => Interlocked.Add(ref _bytesReceived, bytes);
    }
}
