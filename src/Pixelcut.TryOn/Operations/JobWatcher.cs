using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Operations
{
    /// <summary>
    /// Reads the status of each watched job until it is Completed or Failed, waiting a full poll interval after each
    /// answer, so no job is read more than once per interval however slow the answers come. Every read goes through
    /// the caller's read function (the requester, with its pacer and retries). What happens is reported as
    /// <see cref="WatchReport"/>s in the order it happened, for the caller to take on its own thread.
    /// </summary>
    internal sealed class JobWatcher : IDisposable
    {
        /// <summary>The status shown for a job whose first read has not been answered yet.</summary>
        public const string NotReadYet = "not read yet";

        /// <summary>The status shown for a job whose watch ended with an error record rather than a finished job.</summary>
        public const string EndedWithError = "ended with an error";

        private readonly Func<string, CancellationToken, Task<JobResult<TryOnJob>>> _read;
        private readonly TimeSpan _pollInterval;
        private readonly IClock _clock;
        private readonly CancellationTokenSource _stop;
        // Read once: a read still finishing after Dispose must see a cancelled token, not a disposed source.
        private readonly CancellationToken _stopped;
        private readonly BlockingCollection<WatchReport> _reports = new BlockingCollection<WatchReport>();
        // What is known of each job, and whether the watch is closed, change together under one lock: a report either
        // lands before Close, or is dropped and the job is reported by Close with the status it had.
        private readonly object _gate = new object();
        private readonly Dictionary<string, string> _lastStatus = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly HashSet<string> _ended = new HashSet<string>(StringComparer.Ordinal);
        private bool _closed;

        public JobWatcher(Func<string, CancellationToken, Task<JobResult<TryOnJob>>> read, TimeSpan pollInterval, IClock clock,
            CancellationToken cancellation)
        {
            _read = read;
            _pollInterval = pollInterval;
            _clock = clock;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            _stopped = _stop.Token;
        }

        /// <summary>Jobs watched whose watch has not ended with a final report.</summary>
        public int Unfinished
        {
            get { lock (_gate) return _lastStatus.Count - _ended.Count; }
        }

        /// <summary>Starts watching a job; false when it is watched already, so each job is reported once.</summary>
        public bool Watch(string jobId)
        {
            lock (_gate)
            {
                if (_closed || _lastStatus.ContainsKey(jobId)) return false;
                _lastStatus.Add(jobId, NotReadYet);
            }
            _ = PollAsync(jobId);
            return true;
        }

        /// <summary>Waits up to <paramref name="wait"/> for the next report; the caller's cancellation ends the wait.</summary>
        public bool TryTake(out WatchReport report, TimeSpan wait, CancellationToken cancellation) =>
            _reports.TryTake(out report!, (int)Math.Max(0, wait.TotalMilliseconds), cancellation);

        /// <summary>How many watched jobs last read as each status, for progress.</summary>
        public IReadOnlyList<KeyValuePair<string, int>> CountsByStatus()
        {
            lock (_gate)
            {
                return _lastStatus.Values.GroupBy(status => status).Select(group => new KeyValuePair<string, int>(group.Key, group.Count()))
                    .OrderBy(pair => StatusOrder(pair.Key)).ToList();
            }
        }

        /// <summary>
        /// Stops every read and returns what was reported and not yet taken, then each job whose watch had not ended
        /// with its last status. Nothing is reported after this.
        /// </summary>
        public (IReadOnlyList<WatchReport> Reported, IReadOnlyList<KeyValuePair<string, string>> Unended) Close()
        {
            List<WatchReport> reported;
            List<KeyValuePair<string, string>> unended;
            lock (_gate)
            {
                _closed = true;
                reported = new List<WatchReport>();
                while (_reports.TryTake(out var report)) reported.Add(report);
                unended = _lastStatus.Where(pair => !_ended.Contains(pair.Key)).ToList();
            }
            // Outside the lock: cancelling runs the reads' callbacks, and a read that ends now finds the watch closed.
            _stop.Cancel();
            return (reported, unended);
        }

        public void Dispose()
        {
            // Closed first, so a read still finishing reports into nothing rather than into a disposed collection.
            lock (_gate) _closed = true;
            _stop.Cancel();
            _stop.Dispose();
            _reports.Dispose();
        }

        private async Task PollAsync(string jobId)
        {
            try
            {
                // Start on the thread pool, so the caller's thread never runs a read.
                await Task.Yield();
                while (true)
                {
                    var result = await _read(jobId, _stopped).ConfigureAwait(false);
                    var job = result.Value;
                    // A definite answer ends the watch: a finished job, or a failure that another read would only repeat.
                    // Failures worth retrying were retried already; the job is read again after the interval.
                    var ends = job?.IsFinished ?? !RetryPolicy.IsRetryable(result.Failure!);
                    var trace = job != null || ends ? result : result.WithTrace(new[]
                    {
                        TraceLine.Verbose($"Job '{SafeText.Printable(jobId)}': status not read ({result.Failure!.Kind}); reading again in {_pollInterval.TotalSeconds:0.#} s."),
                    });
                    if (!Report(new WatchReport(trace, ends))) return;
                    if (ends) return;
                    await _clock.Delay(_pollInterval, _stopped).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
            {
                // Closed, or the command was stopped: the job stays unended.
            }
            catch (Exception e)
            {
                // The read path turns every failure into a result; should anything escape it, the job must still end
                // with a record rather than leave a wait without a limit waiting for ever.
                var failure = new Failure(ErrorKind.UnexpectedResponse, jobId, detail: "its status could not be read: " + SafeText.Printable(e.Message), cause: e);
                Report(new WatchReport(new JobResult<TryOnJob>(jobId, null, failure, Array.Empty<TraceLine>()), ends: true));
            }
        }

        private bool Report(WatchReport report)
        {
            lock (_gate)
            {
                if (_closed) return false;
                var jobId = report.Result.JobId;
                var job = report.Result.Value;
                if (job != null) _lastStatus[jobId] = job.Status;
                else if (report.Ends) _lastStatus[jobId] = EndedWithError;
                if (report.Ends) _ended.Add(jobId);
                _reports.Add(report);
                return true;
            }
        }

        private static int StatusOrder(string status)
        {
            var index = Array.IndexOf(new[] { NotReadYet }.Concat(JobStatus.Known).Concat(new[] { EndedWithError }).ToArray(), status);
            return index < 0 ? int.MaxValue : index;
        }
    }

    /// <summary>One answered read of a watched job; <see cref="Ends"/> when it is the job's last.</summary>
    internal sealed class WatchReport
    {
        public WatchReport(JobResult<TryOnJob> result, bool ends)
        {
            Result = result;
            Ends = ends;
        }

        public JobResult<TryOnJob> Result { get; }

        /// <summary>True for a finished job or a failure that ends its watch.</summary>
        public bool Ends { get; }
    }
}
