using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Dispatch;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>One job's work, made on the pipeline thread (so it may keep what was bound with its input) and run on the requester.</summary>
    /// <param name="sending">Called as each request to the API goes out.</param>
    internal delegate Task<JobResult<TResult>> JobWork<TResult>(JobRequester requester, Action sending, CancellationToken cancellation) where TResult : class;

    /// <summary>
    /// A command that sends one piece of work per input (a job id, a row to submit): bounded concurrent requests with
    /// results in input order, progress, and an account of what an early stop leaves unreported. A command hands over
    /// its work and says how it writes a success.
    /// </summary>
    public abstract class PixelcutBatchCommand<TResult> : PixelcutRequestCommand where TResult : class
    {
        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1.5);
        private const double TolerableThrottledShare = 0.03;

        private readonly Stopwatch _watch = new Stopwatch();
        private OrderedDispatcher<JobResult<TResult>>? _dispatcher;
        // The TargetObject of each result still in the dispatcher, in the same order.
        private readonly Queue<object?> _targets = new Queue<object?>();
        private JobRequester? _requester;
        // Refused before the first request set up the dispatcher, which counts everything after.
        private long _refusedBeforeStart;
        private long _total;
        private bool _totalKnown = true;
        private ProgressBar _progress = null!;
        private readonly EarlyStopAccount? _account;

        /// <param name="action">What the command does to a job, as ShouldProcess and progress name it.</param>
        /// <param name="account">
        /// For a command that changes jobs, the account of those it leaves unreported when it stops early; null for a
        /// command that changes nothing.
        /// </param>
        // Only this module's cmdlets derive from it.
        private protected PixelcutBatchCommand(string action, EarlyStopAccount? account)
        {
            Action = action;
            _account = account;
        }

        /// <summary>A hard cap on requests in flight; without it the number adapts to the API (1 to 64, from 5).</summary>
        [Parameter]
        [ValidateRange(ConcurrencyLimiter.MinLimit, ConcurrencyLimiter.MaxLimit)]
        public int ThrottleLimit { get; set; } = ConcurrencyLimiter.MaxLimit;

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = ConnectionSettings.DefaultTimeoutSec;

        /// <summary>What the command does to a job, as ShouldProcess and progress name it.</summary>
        private protected string Action { get; }

        /// <summary>Writes one success.</summary>
        private protected abstract void WriteSuccess(TResult result);

        /// <summary>More to say in the progress line, such as bytes written; null for nothing.</summary>
        private protected virtual string? ProgressDetail => null;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _totalKnown = !MyInvocation.ExpectingInput;
            _watch.Start();
            _progress = new ProgressBar(this, Action, ProgressDelay, _watch);
        }

        protected override void EndProcessing() => StopOnCancellation(Finish);

        // Leaving early must not leave unsaid what the server may have done.
        private protected override void OnStopping(Action<string> warn)
        {
            if (_account != null && _dispatcher != null && _account.Warning(_dispatcher.Untaken()) is string warning) warn(warning);
        }

        /// <summary>Counts inputs that came with one record, for a progress bar that knows the total.</summary>
        private protected void Expect(int inputs)
        {
            if (_totalKnown) _total += inputs;
        }

        /// <summary>Queues the work for one input, written in input order once done.</summary>
        /// <param name="name">How an early stop's warning names the input: its job id, or its images.</param>
        /// <param name="target">The TargetObject of its error record; null for the failure's job id.</param>
        private protected void Dispatch(string name, object? target, JobWork<TResult> work)
        {
            var dispatcher = _dispatcher ??= Start();
            var requester = _requester!;
            Enqueue(dispatcher, name, target, (sending, cancellation) => work(requester, sending, cancellation));
        }

        /// <summary>A failure found before sending, kept in input order behind the requests still running.</summary>
        private protected void WriteInOrder(Failure failure, object? target)
        {
            if (_dispatcher == null)
            {
                _refusedBeforeStart++;
                WriteFailure(failure, target);
                return;
            }
            var result = new JobResult<TResult>(failure.JobId ?? string.Empty, null, failure, Array.Empty<TraceLine>());
            Enqueue(_dispatcher, result.JobId, target, (_, _) => Task.FromResult(result));
        }

        private void Finish()
        {
            if (_dispatcher != null)
            {
                while (_dispatcher.Pending > 0) WriteResult(_dispatcher.TakeOldest(UpdateProgress));
            }
            _progress.Complete();
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

        private void Enqueue(OrderedDispatcher<JobResult<TResult>> dispatcher, string name, object? target,
            Func<Action, CancellationToken, Task<JobResult<TResult>>> work)
        {
            _targets.Enqueue(target);
            dispatcher.Enqueue(name, work);
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
            var target = _targets.Dequeue();
            Output.Trace(result.Trace);
            if (result.Value != null) WriteSuccess(result.Value);
            else if (result.Failure != null) WriteFailure(result.Failure, target);
            UpdateProgress();
        }

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
