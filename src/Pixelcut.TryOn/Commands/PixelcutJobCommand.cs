using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Api;
using Pixelcut.TryOn.Pipeline;
using Pixelcut.TryOn.Resilience;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// What every command that takes job ids shares: binding, key and base URI rules, bounded
    /// concurrent requests with results in input order, error records, progress and Ctrl+C.
    /// A command only names its request and how it writes a success.
    /// </summary>
    public abstract class PixelcutJobCommand<TResult> : PSCmdlet, IDisposable where TResult : class
    {
        internal const string ApiKeyVariable = "PIXELCUT_API_KEY";
        internal const string BaseUriVariable = "PIXELCUT_BASE_URI";
        internal const string RateVariable = "PIXELCUT_REQUESTS_PER_SECOND";
        internal static readonly Uri DefaultBaseUri = new Uri("https://api.developer.pixelcut.ai");

        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1.5);
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
        private static readonly Random Jitter = new Random();

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Stopwatch _watch = new Stopwatch();
        private OrderedDispatcher<JobResult<TResult>>? _dispatcher;
        private JobRequester? _requester;
        private Uri _baseUri = DefaultBaseUri;
        private long _done;
        private long _total;
        private bool _totalKnown = true;
        private TimeSpan _lastProgress;
        private bool _progressShown;

        /// <summary>The ids of the jobs; from the pipeline as strings or as objects with a JobId, job_id or Id property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "job_id")]
        [AllowEmptyString]
        [JobIdTransformation]
        public string[] JobId { get; set; } = Array.Empty<string>();

        /// <summary>The API key; else PIXELCUT_API_KEY.</summary>
        [Parameter]
        public SecureString? ApiKey { get; set; }

        /// <summary>The API's address; else PIXELCUT_BASE_URI, else the public API.</summary>
        [Parameter]
        public Uri? BaseUri { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 5;

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetryCount { get; set; } = RetryPolicy.DefaultMaxRetryCount;

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>What the command does to a job, as ShouldProcess and progress name it.</summary>
        protected abstract string Action { get; }

        internal abstract Task<JobResult<TResult>> RunAsync(JobRequester requester, string jobId, CancellationToken cancellation);

        /// <summary>Writes one success.</summary>
        protected abstract void WriteSuccess(TResult result);

        protected override void BeginProcessing()
        {
            _baseUri = ResolveBaseUri();
            _totalKnown = !MyInvocation.ExpectingInput;
            _watch.Start();
        }

        protected override void ProcessRecord() => StopOnCancellation(ProcessJobIds);

        protected override void EndProcessing() => StopOnCancellation(Finish);

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose()
        {
            // Leaving early (a terminating error, -ErrorAction Stop) must not leave requests running.
            _stop.Cancel();
        }

        private void ProcessJobIds()
        {
            if (_totalKnown) _total += JobId.Length;
            foreach (var jobId in JobId)
            {
                if (jobId.StartsWith(JobIdTransformationAttribute.MissingJobIdPrefix, StringComparison.Ordinal))
                {
                    WriteInOrder(new Failure(ErrorKind.InputWithoutJobId, null,
                        detail: jobId.Substring(JobIdTransformationAttribute.MissingJobIdPrefix.Length)));
                    continue;
                }
                var problem = JobPath.Problem(jobId);
                if (problem != null)
                {
                    WriteInOrder(new Failure(ErrorKind.InvalidJobId, jobId, detail: problem));
                    continue;
                }
                if (!ShouldProcess(jobId, Action)) continue;
                Dispatch(jobId);
            }
        }

        private void Finish()
        {
            if (_dispatcher != null)
            {
                while (_dispatcher.Pending > 0) WriteResult(_dispatcher.TakeOldest());
            }
            if (_progressShown)
            {
                WriteProgress(new ProgressRecord(1, Action, "Done") { RecordType = ProgressRecordType.Completed });
            }
            var throttled = _requester?.ThrottledCount ?? 0;
            if (throttled > 0)
            {
                WriteWarning($"{throttled} request(s) were rate-limited (429) and retried. If this persists, lower {RateVariable} or -ThrottleLimit.");
            }
        }

        private void StopOnCancellation(Action work)
        {
            try
            {
                work();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        private void Dispatch(string jobId)
        {
            var dispatcher = _dispatcher ??= Start();
            var requester = _requester!;
            Enqueue(dispatcher, cancellation => RunAsync(requester, jobId, cancellation));
        }

        /// <summary>A failure found before sending, kept in input order behind the requests still running.</summary>
        private void WriteInOrder(Failure failure)
        {
            if (_dispatcher == null)
            {
                _done++;
                WriteFailure(failure);
                return;
            }
            var result = new JobResult<TResult>(failure.JobId ?? string.Empty, null, failure, Array.Empty<string>());
            Enqueue(_dispatcher, _ => Task.FromResult(result));
        }

        private void Enqueue(OrderedDispatcher<JobResult<TResult>> dispatcher, Func<CancellationToken, Task<JobResult<TResult>>> work)
        {
            dispatcher.Enqueue(work);
            foreach (var ready in dispatcher.TakeReady()) WriteResult(ready);
            while (dispatcher.IsFull) WriteResult(dispatcher.TakeOldest());
        }

        /// <summary>Set up on the first job that is really sent, so -WhatIf and bad ids need no key.</summary>
        private OrderedDispatcher<JobResult<TResult>> Start()
        {
            var (key, keySource) = ResolveApiKey();
            var rate = ResolveRequestsPerSecond();
            var http = new PixelcutHttp(_baseUri, key);
            _requester = new JobRequester(http, new RetryPolicy(MaxRetryCount, NextJitter), RequestPacer.ForKey(key.Fingerprint, rate),
                SystemClock.Instance, TimeSpan.FromSeconds(TimeoutSec));
            WriteDebug($"Base URI {_baseUri}; API key from {keySource}; {rate.ToString(CultureInfo.InvariantCulture)} requests/s; " +
                $"throttle limit {ThrottleLimit}; {MaxRetryCount} retries; {TimeoutSec} s per attempt.");
            return new OrderedDispatcher<JobResult<TResult>>(ThrottleLimit, _stop.Token);
        }

        private void WriteResult(JobResult<TResult> result)
        {
            foreach (var line in result.Trace) WriteVerbose(line);
            _done++;
            if (result.Value != null) WriteSuccess(result.Value);
            else if (result.Failure != null) WriteFailure(result.Failure);
            UpdateProgress();
        }

        private void WriteFailure(Failure failure)
        {
            var record = ErrorRecords.For(failure);
            if (ErrorTable.For(failure.Kind).Terminating)
            {
                _stop.Cancel();
                ThrowTerminatingError(record);
            }
            WriteError(record);
        }

        private void UpdateProgress()
        {
            var elapsed = _watch.Elapsed;
            if (elapsed < ProgressDelay || elapsed - _lastProgress < ProgressInterval) return;
            _lastProgress = elapsed;
            _progressShown = true;
            var rate = _done / elapsed.TotalSeconds;
            var record = _totalKnown && _total > 0
                ? new ProgressRecord(1, Action, $"{_done} of {_total} jobs, {rate:0.0} per second")
                    { PercentComplete = (int)Math.Min(100, 100 * _done / _total) }
                : new ProgressRecord(1, Action, $"{_done} jobs, {rate:0.0} per second");
            WriteProgress(record);
        }

        private Uri ResolveBaseUri()
        {
            var uri = BaseUri;
            var fromVariable = Environment.GetEnvironmentVariable(BaseUriVariable);
            if (uri == null && !string.IsNullOrWhiteSpace(fromVariable) && !Uri.TryCreate(fromVariable, UriKind.Absolute, out uri))
            {
                ThrowFatal(new Failure(ErrorKind.InvalidSetting, null, detail: $"{BaseUriVariable} is not an absolute URI"));
            }
            uri ??= DefaultBaseUri;
            var secure = uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && JobPath.IsLoopback(uri));
            if (!secure) ThrowFatal(new Failure(ErrorKind.InsecureBaseUri, null, detail: uri.GetLeftPart(UriPartial.Authority)));
            return uri;
        }

        private (ApiKey Key, string Source) ResolveApiKey()
        {
            if (ApiKey != null && ApiKey.Length > 0) return (new ApiKey(ApiKey), "-ApiKey");
            var fromVariable = Environment.GetEnvironmentVariable(ApiKeyVariable);
            if (string.IsNullOrWhiteSpace(fromVariable)) ThrowFatal(new Failure(ErrorKind.ApiKeyMissing, null));
            return (Api.ApiKey.FromPlainText(fromVariable!.Trim()), ApiKeyVariable);
        }

        private double ResolveRequestsPerSecond()
        {
            var text = Environment.GetEnvironmentVariable(RateVariable);
            if (string.IsNullOrWhiteSpace(text)) return RequestPacer.DefaultRequestsPerSecond;
            var valid = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate >= 0.01 && rate <= 10000;
            if (!valid) ThrowFatal(new Failure(ErrorKind.InvalidSetting, null, detail: $"{RateVariable} must be a number of requests per second from 0.01 to 10000, not '{text}'"));
            return rate;
        }

        private void ThrowFatal(Failure failure) => ThrowTerminatingError(ErrorRecords.For(failure));

        private static double NextJitter()
        {
            lock (Jitter) return Jitter.NextDouble();
        }
    }
}
