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
        private readonly DownloadGate _downloads = new DownloadGate(SystemClock.Instance);
        private readonly object _gate = new object();
        private int _temporaryFiles;
        private long _bytesReceived;

        /// <param name="replace">Whether an existing file is replaced (-Force) rather than left as it is.</param>
        public ResultSaver(ResultDownload download, bool replace)
        {
            _download = download;
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
            using (var file = new TemporaryFile(this, path))
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
                        () => _download.GetAsync(jobId, link, file.Open, requester.Timeout, trace.Add, Received, cancellation), null, cancellation).ConfigureAwait(false);
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
        public bool WaitForCleanUp(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (_gate)
            {
                while (_temporaryFiles > 0)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left)) return _temporaryFiles == 0;
                }
                return true;
            }
        }

        /// <summary>A result not saved because its file is there already.</summary>
        internal static Failure FileExists(string jobId, string path) => new Failure(ErrorKind.FileExists, jobId, detail: $"'{path}' already exists");

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

        private void Opened()
        {
            lock (_gate) _temporaryFiles++;
        }

        private void Closed()
        {
            lock (_gate)
            {
                _temporaryFiles--;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>The download in progress: made on the first byte of a picture, emptied for each new attempt, deleted unless moved into place.</summary>
        private sealed class TemporaryFile : IDisposable
        {
            private readonly ResultSaver _saver;
            private readonly string _path;
            private FileStream? _stream;

            public TemporaryFile(ResultSaver saver, string resultPath)
            {
                _saver = saver;
                var name = ResultFileName.Temporary(Path.GetFileName(resultPath), Guid.NewGuid().ToString("N").Substring(0, 16));
                _path = Path.Combine(Path.GetDirectoryName(resultPath)!, name);
            }

            public Stream Open()
            {
                if (_stream != null)
                {
                    _stream.SetLength(0);
                    return _stream;
                }
                // CreateNew: a file already there is someone else's, never written to nor deleted.
                _stream = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                _saver.Opened();
                return _stream;
            }

            /// <summary>Moves the whole picture into place; null, or why it is not there.</summary>
            public Failure? MoveTo(string jobId, string path, bool replace)
            {
                try
                {
                    // On disk before it has its name, so a crash never leaves a truncated picture under a result's name.
                    _stream!.Flush(flushToDisk: true);
                    _stream.Dispose();
                    if (replace && File.Exists(path)) File.Replace(_path, path, null);
                    else File.Move(_path, path);
                }
                catch (IOException) when (!replace && File.Exists(path))
                {
                    return FileExists(jobId, path);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    return new Failure(ErrorKind.DownloadFailed, jobId, 200, detail: "the file could not be written: " + SafeText.Printable(e.Message), cause: e);
                }
                Close(delete: false);
                return null;
            }

            public void Dispose() => Close(delete: true);

            private void Close(bool delete)
            {
                if (_stream == null) return;
                _stream.Dispose();
                _stream = null;
                if (delete)
                {
                    try
                    {
                        File.Delete(_path);
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        // Nothing more can be done for it; the name marks it as a partial download.
                    }
                }
                _saver.Closed();
            }
        }
    }
}
