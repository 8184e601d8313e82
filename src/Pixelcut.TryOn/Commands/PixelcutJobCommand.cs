using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Dispatch;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Session;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// A command that sends one piece of work per job: bounded concurrent requests with results in input order,
    /// progress, and an account of what an early stop leaves unreported. A command only names its work and how it
    /// writes a success.
    /// </summary>
    public abstract class PixelcutJobCommand<TResult> : PixelcutJobInputCommand where TResult : class
    {
        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1.5);
        private const double TolerableThrottledShare = 0.03;

        private readonly Stopwatch _watch = new Stopwatch();
        private OrderedDispatcher<JobResult<TResult>>? _dispatcher;
        private JobRequester? _requester;
        // Refused before the first request set up the dispatcher, which counts everything after.
        private long _refusedBeforeStart;
        private long _total;
        private bool _totalKnown = true;
        private ProgressBar _progress = null!;
        private bool _finished;
        private bool _accountedFor;

        // Only this module's cmdlets derive from it.
        private protected PixelcutJobCommand() { }

        /// <summary>A hard cap on requests in flight; without it the number adapts to the API (1 to 64, from 5).</summary>
        [Parameter]
        [ValidateRange(ConcurrencyLimiter.MinLimit, ConcurrencyLimiter.MaxLimit)]
        public int ThrottleLimit { get; set; } = ConcurrencyLimiter.MaxLimit;

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = ConnectionSettings.DefaultTimeoutSec;

        /// <summary>What the command does to a job, as ShouldProcess and progress name it.</summary>
        protected abstract string Action { get; }

        /// <summary>Does the command's work for one job; <paramref name="sending"/> is called as each request to the API goes out.</summary>
        /// <param name="pipedJob">The job record this id came from, when one was piped in and the command takes such records.</param>
        internal abstract Task<JobResult<TResult>> RunAsync(JobRequester requester, string jobId, TryOnJob? pipedJob, Action sending,
            CancellationToken cancellation);

        /// <summary>
        /// What a success did to the job on the server ("cancelled"), or null for a command that changes nothing.
        /// A command that changes jobs accounts for the ones it leaves unreported when it stops early.
        /// </summary>
        protected virtual string? EffectOnJob => null;

        /// <summary>Writes one success.</summary>
        protected abstract void WriteSuccess(TResult result);

        /// <summary>The job record piped in with this id, for a command that uses what it already says; null by default.</summary>
        private protected virtual TryOnJob? PipedJob(string jobId) => null;

        /// <summary>A command's own reason not to do its work for a job, checked before ShouldProcess; null to go on.</summary>
        private protected virtual Failure? Refuse(string jobId) => null;

        /// <summary>Asks ShouldProcess about one job; a command that acts on something other than the job names that.</summary>
        private protected virtual bool ShouldProcessJob(string jobId) => ShouldProcess(jobId, Action);

        /// <summary>More to say in the progress line, such as bytes written; null for nothing.</summary>
        private protected virtual string? ProgressDetail => null;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _totalKnown = !MyInvocation.ExpectingInput;
            _watch.Start();
            _progress = new ProgressBar(this, Action, ProgressDelay, _watch);
        }

        protected override void ProcessRecord() => StopOnCancellation(ProcessJobIds);

        protected override void EndProcessing() => StopOnCancellation(Finish);

        // Leaving early (Ctrl+C, a terminating error, -ErrorAction Stop, a failure further down the pipeline) must not
        // leave unsaid what the server may have done.
        private protected override void OnDisposing()
        {
            if (!_finished) AccountForUnreported(viaHost: true);
        }

        private protected override void OnEndingEarly() => AccountForUnreported(viaHost: false);

        private void ProcessJobIds()
        {
            if (_totalKnown) _total += JobId.Length;
            foreach (var jobId in JobId)
            {
                var refusal = RefusalOf(jobId) ?? Refuse(jobId);
                if (refusal != null)
                {
                    WriteInOrder(refusal);
                    continue;
                }
                if (!ShouldProcessJob(jobId)) continue;
                Dispatch(jobId);
            }
        }

        private void Finish()
        {
            if (_dispatcher != null)
            {
                while (_dispatcher.Pending > 0) WriteResult(_dispatcher.TakeOldest(UpdateProgress));
            }
            _progress.Complete();
            _finished = true;
            if (_requester == null) return;
            var statistics = _requester.Statistics;
            var elapsed = _watch.Elapsed;
            if (elapsed >= ProgressDelay)
            {
                Output.Verbose($"{statistics.Requests} request(s) in {elapsed.TotalSeconds:0.0} s, {statistics.Requests / elapsed.TotalSeconds:0.0} per second, " +
                    $"at most {statistics.PeakInFlight} in flight, {statistics.Answered429} answered 429, {statistics.Retries} retried.");
            }
            // Finding the API's concurrency limit costs a few 429s; more than that means the pace is set too high.
            var throttled = _requester.ThrottledCount;
            if (throttled > 0 && throttled > statistics.Requests * TolerableThrottledShare)
            {
                Output.Warning($"{throttled} request(s) were rate-limited (429) and retried. If this persists, lower {ConnectionSettings.RateVariable} or -ThrottleLimit.");
            }
        }

        private void Dispatch(string jobId)
        {
            var dispatcher = _dispatcher ??= Start();
            var requester = _requester!;
            var pipedJob = PipedJob(jobId);
            Enqueue(dispatcher, jobId, (sending, cancellation) => RunAsync(requester, jobId, pipedJob, sending, cancellation));
        }

        /// <summary>A failure found before sending, kept in input order behind the requests still running.</summary>
        private void WriteInOrder(Failure failure)
        {
            if (_dispatcher == null)
            {
                _refusedBeforeStart++;
                WriteFailure(failure);
                return;
            }
            var result = new JobResult<TResult>(failure.JobId ?? string.Empty, null, failure, Array.Empty<TraceLine>());
            Enqueue(_dispatcher, result.JobId, (_, _) => Task.FromResult(result));
        }

        private void Enqueue(OrderedDispatcher<JobResult<TResult>> dispatcher, string jobId,
            Func<Action, CancellationToken, Task<JobResult<TResult>>> work)
        {
            dispatcher.Enqueue(jobId, work);
            foreach (var ready in dispatcher.TakeReady()) WriteResult(ready);
            while (dispatcher.IsFull) WriteResult(dispatcher.TakeOldest(UpdateProgress));
        }

        /// <summary>Set up on the first job that is really sent, so -WhatIf and bad ids need no key.</summary>
        private OrderedDispatcher<JobResult<TResult>> Start()
        {
            var capped = MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit));
            _requester = CreateRequester(TimeoutSec, capped ? ThrottleLimit : (int?)null);
            return new OrderedDispatcher<JobResult<TResult>>(ThrottleLimit, StopRequested.Token);
        }

        private void WriteResult(JobResult<TResult> result)
        {
            Output.Trace(result.Trace);
            if (result.Value != null) WriteSuccess(result.Value);
            else if (result.Failure != null) WriteFailure(result.Failure);
            UpdateProgress();
        }

        /// <summary>
        /// One warning naming the jobs the server may have acted on but the command will not report: answered
        /// with success but not yet written, and sent with no final answer. Once the pipeline is stopping
        /// (Ctrl+C, a failure elsewhere in the pipeline, an error the user chose to halt on) only the host can show it.
        /// </summary>
        private void AccountForUnreported(bool viaHost)
        {
            if (_accountedFor || EffectOnJob == null || _dispatcher == null) return;
            _accountedFor = true;
            var done = new List<string>();
            var maybe = new List<string>();
            foreach (var item in _dispatcher.Untaken())
            {
                if (item.Result?.Value != null) done.Add(item.Name);
                else if (item.Result == null ? item.Sent : MayHaveActed(item.Result)) maybe.Add(item.Name);
            }
            if (done.Count == 0 && maybe.Count == 0) return;
            var parts = new List<string>();
            if (done.Count > 0) parts.Add($"{EffectOnJob}, not reported: {string.Join(", ", done)}");
            if (maybe.Count > 0) parts.Add($"sent without a final answer, may have been {EffectOnJob}: {string.Join(", ", maybe)}");
            var warning = $"Stopped before every job was reported. {Capitalized(string.Join("; ", parts))}. Get-PixelcutTryOnJob shows their status.";
            if (viaHost) Host?.UI?.WriteWarningLine(warning);
            else Output.Warning(warning);
        }

        /// <summary>A failure that is not a definite answer about the job, after a request that may have reached the server.</summary>
        private static bool MayHaveActed(JobResult<TResult> result) =>
            result.MayHaveReachedServer && result.Failure?.Kind != ErrorKind.JobFinished && result.Failure?.Kind != ErrorKind.JobNotFound;

        private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

        private void UpdateProgress() => _progress.Update(() =>
        {
            var elapsed = _watch.Elapsed;
            // Jobs finished, not only written: one slow job holds back the results behind it, not the work.
            var done = _refusedBeforeStart + (_dispatcher?.Finished ?? 0);
            var rate = $"{done / elapsed.TotalSeconds:0.0} jobs and {(_requester?.Statistics.Requests ?? 0) / elapsed.TotalSeconds:0.0} requests per second";
            if (ProgressDetail is string detail) rate += ", " + detail;
            return _totalKnown && _total > 0
                ? ($"{done} of {_total} jobs, {rate}", (int)Math.Min(100, 100 * done / _total))
                : ($"{done} jobs, {rate}", (int?)null);
        });
    }
}
