using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Transport;

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

        private readonly Func<string, CancellationToken, Task<JobResult<TryOnJob>>> _read;
        private readonly TimeSpan _pollInterval;
        private readonly IClock _clock;
        private readonly CancellationTokenSource _stop;
        // Read once: a read still finishing after Dispose must see a cancelled token, not a disposed source.
        private readonly CancellationToken _stopped;
        private readonly BlockingCollection<WatchReport> _reports = new BlockingCollection<WatchReport>();
        private readonly ConcurrentDictionary<string, string> _lastStatus = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> _ended = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        private readonly object _gate = new object();
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
        public int Unfinished => _lastStatus.Count - _ended.Count;

        /// <summary>Starts watching a job; false when it is watched already, so each job is reported once.</summary>
        public bool Watch(string jobId)
        {
            if (!_lastStatus.TryAdd(jobId, NotReadYet)) return false;
            _ = PollAsync(jobId);
            return true;
        }

        /// <summary>Waits up to <paramref name="wait"/> for the next report; the caller's cancellation ends the wait.</summary>
        public bool TryTake(out WatchReport report, TimeSpan wait, CancellationToken cancellation) =>
            _reports.TryTake(out report!, (int)Math.Max(0, wait.TotalMilliseconds), cancellation);

        /// <summary>How many watched jobs last read as each status, for progress.</summary>
        public IReadOnlyList<KeyValuePair<string, int>> CountsByStatus() =>
            _lastStatus.Values.GroupBy(status => status).Select(group => new KeyValuePair<string, int>(group.Key, group.Count()))
                .OrderBy(pair => StatusOrder(pair.Key)).ToList();

        /// <summary>
        /// Stops every read and returns what was reported and not yet taken, then each job whose watch had not ended
        /// with its last status. Nothing is reported after this.
        /// </summary>
        public (IReadOnlyList<WatchReport> Reported, IReadOnlyList<KeyValuePair<string, string>> Unended) Close()
        {
            _stop.Cancel();
            lock (_gate)
            {
                _closed = true;
                var reported = new List<WatchReport>();
                while (_reports.TryTake(out var report)) reported.Add(report);
                var unended = _lastStatus.Where(pair => !_ended.ContainsKey(pair.Key)).ToList();
                return (reported, unended);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
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
                    if (job != null) _lastStatus[jobId] = job.Status;
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
        }

        private bool Report(WatchReport report)
        {
            lock (_gate)
            {
                if (_closed) return false;
                if (report.Ends) _ended[report.Result.JobId] = true;
                _reports.Add(report);
                return true;
            }
        }

        private static int StatusOrder(string status)
        {
            var index = Array.IndexOf(new[] { NotReadYet, "Pending", "Running", "Completed", "Failed" }, status);
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
