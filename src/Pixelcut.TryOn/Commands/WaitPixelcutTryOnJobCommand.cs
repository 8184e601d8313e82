using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Operations;
using Pixelcut.TryOn.Resilience;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Waits until Try On jobs are completed or failed, and writes each as it finishes.</summary>
    [Cmdlet(VerbsLifecycle.Wait, "PixelcutTryOnJob")]
    [OutputType(typeof(TryOnJob))]
    public sealed class WaitPixelcutTryOnJobCommand : PixelcutRequestCommand
    {
        private const string Activity = "Wait for Try On jobs";
        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);
        // How long the command blocks between looks at the deadline and the progress bar; Ctrl+C ends a wait at once.
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

        private readonly Stopwatch _watch = new Stopwatch();
        private JobWatcher? _watcher;
        private ProgressBar _progress = null!;
        private bool _jobWritten;

        /// <summary>The ids of the jobs; from the pipeline as strings or as objects with a JobId, job_id or Id property.</summary>
        // The job commands bind their JobId the same way.
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "job_id")]
        [AllowEmptyString]
        [JobIdTransformation]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] JobId { get; set; } = Array.Empty<string>();

        /// <summary>How long to wait for all jobs, in seconds; 0 waits without a limit.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int TimeoutSec { get; set; } = 600;

        /// <summary>How long to wait after each status read of a job before reading it again, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int PollIntervalSec { get; set; } = 2;

        /// <summary>Returns as soon as one job is completed or failed.</summary>
        [Parameter]
        public SwitchParameter Any { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _watch.Start();
            _progress = new ProgressBar(this, Activity, ProgressDelay, _watch);
        }

        protected override void ProcessRecord() => StopOnCancellation(() =>
        {
            foreach (var jobId in JobId)
            {
                if (AnyAnswered) return;
                var refusal = RefusalOf(jobId);
                if (refusal != null) WriteFailure(refusal);
                else Watcher().Watch(jobId);
            }
            WriteReports(TimeSpan.Zero);
        });

        protected override void EndProcessing() => StopOnCancellation(() =>
        {
            if (_watcher == null) return;
            while (_watcher.Unfinished > 0 && !AnyAnswered && !TimedOut())
            {
                WriteReports(Tick);
                UpdateProgress();
            }
            var (reported, unended) = _watcher.Close();
            foreach (var report in reported) WriteReport(report);
            if (!AnyAnswered)
            {
                foreach (var job in unended)
                {
                    WriteFailure(new Failure(ErrorKind.WaitTimedOut, job.Key, detail: TimedOutDetail(job.Value)));
                }
            }
            _progress.Complete();
        });

        private protected override void OnStopping(Action<string> warn) => _watcher?.Dispose();

        /// <summary>With -Any, one finished job is the whole answer: nothing more is watched, written or reported.</summary>
        private bool AnyAnswered => Any && _jobWritten;

        private JobWatcher Watcher()
        {
            if (_watcher != null) return _watcher;
            var requester = CreateRequester(ConnectionSettings.DefaultTimeoutSec, throttleLimit: null);
            _watcher = new JobWatcher((jobId, cancellation) => JobOperations.GetAsync(requester, jobId, null, continuesJob: false, cancellation),
                TimeSpan.FromSeconds(PollIntervalSec), SystemClock.Instance, StopRequested.Token);
            return _watcher;
        }

        private bool TimedOut() => TimeoutSec > 0 && _watch.Elapsed >= TimeSpan.FromSeconds(TimeoutSec);

        /// <summary>Writes the reports that come within <paramref name="wait"/>: the first one waited for, the rest as they are.</summary>
        private void WriteReports(TimeSpan wait)
        {
            if (_watcher == null) return;
            while (!AnyAnswered && _watcher.TryTake(out var report, wait, StopRequested.Token))
            {
                WriteReport(report);
                wait = TimeSpan.Zero;
            }
        }

        private void WriteReport(WatchReport report)
        {
            var result = report.Result;
            Output.Trace(result.Trace);
            if (!report.Ends || AnyAnswered) return;
            if (result.Value != null)
            {
                Session.RecentJobs.Remember(result.Value);
                WriteObject(result.Value);
                _jobWritten = true;
            }
            else
            {
                WriteFailure(result.Failure!);
            }
        }

        private void UpdateProgress()
        {
            if (_watcher == null) return;
            var watcher = _watcher;
            _progress.Update(() =>
            {
                var counts = watcher.CountsByStatus();
                var total = counts.Sum(pair => pair.Value);
                var ended = total - watcher.Unfinished;
                var limit = TimeoutSec > 0 ? $" of {TimeoutSec}" : "";
                var status = string.Join(", ", counts.Select(pair => $"{pair.Value} {pair.Key}")) + $"; {_watch.Elapsed.TotalSeconds:0} s{limit} s";
                return (status, total == 0 ? 0 : Math.Max(0, 100 * ended / total));
            });
        }

        private string TimedOutDetail(string lastStatus) => lastStatus == JobWatcher.NotReadYet
            ? $"no status answer came before the wait ended after {TimeoutSec} s"
            : $"it was {lastStatus} when the wait ended after {TimeoutSec} s";
    }
}
