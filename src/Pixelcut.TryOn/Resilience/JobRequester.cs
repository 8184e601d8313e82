using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// Sends one job's request until it succeeds or the retry policy gives up: every attempt waits
    /// for the key's pacer first, and every wait takes the caller's cancellation.
    /// </summary>
    internal sealed class JobRequester
    {
        private readonly PixelcutHttp _http;
        private readonly RetryPolicy _policy;
        private readonly RequestPacer _pacer;
        private readonly IClock _clock;
        private readonly TimeSpan _timeout;
        private int _throttledCount;

        // An answer that dooms every later request (a rejected key, no credits): once seen, nothing more is sent.
        private volatile Failure? _haltedBy;

        public JobRequester(PixelcutHttp http, RetryPolicy policy, RequestPacer pacer, IClock clock, TimeSpan timeout)
        {
            _http = http;
            _policy = policy;
            _pacer = pacer;
            _clock = clock;
            _timeout = timeout;
        }

        /// <summary>Requests answered 429 and then tried again.</summary>
        public int ThrottledCount => Volatile.Read(ref _throttledCount);

        /// <param name="sending">Called before each attempt goes out, so the caller knows the server may act on the job.</param>
        public async Task<JobResult<ApiAnswer>> SendAsync(HttpMethod method, string jobId, string path, Action? sending,
            CancellationToken cancellation)
        {
            var trace = new List<TraceLine>();
            var mayHaveReachedServer = false;
            for (var attempt = 1; ; attempt++)
            {
                await _pacer.WaitTurnAsync(cancellation).ConfigureAwait(false);
                var haltedBy = _haltedBy;
                if (haltedBy != null)
                {
                    var notSent = new Failure(haltedBy.Kind, jobId, haltedBy.StatusCode, haltedBy.ErrorCode, haltedBy.Detail, attempt - 1);
                    return new JobResult<ApiAnswer>(jobId, null, notSent, trace, mayHaveReachedServer);
                }
                var result = await _http.SendAsync(method, jobId, path, _timeout, trace.Add, sending, cancellation).ConfigureAwait(false);
                mayHaveReachedServer |= result.MayHaveReachedServer;
                if (result.Failure == null)
                {
                    _pacer.OnAccepted();
                    return new JobResult<ApiAnswer>(jobId, result.Answer, null, trace, mayHaveReachedServer);
                }

                if (ErrorTable.For(result.Failure.Kind).Terminating) _haltedBy = result.Failure;
                var throttled = result.Failure.Kind == ErrorKind.RateLimitExceeded;
                if (throttled) _pacer.OnThrottled();

                var decision = _policy.Decide(attempt, result.Failure, result.RetryAfter);
                if (decision.Delay == null)
                {
                    if (RetryPolicy.IsRetryable(result.Failure)) trace.Add(TraceLine.Verbose($"Not retrying job '{SafeText.Printable(jobId)}': {decision.Reason}."));
                    return new JobResult<ApiAnswer>(jobId, null, result.Failure.WithAttempts(attempt), trace, mayHaveReachedServer);
                }

                if (throttled) Interlocked.Increment(ref _throttledCount);
                trace.Add(TraceLine.Verbose($"{Describe(result.Failure)}, retrying in {decision.Delay.Value.TotalSeconds:0.0} s, attempt {attempt + 1} of {_policy.MaxRetryCount + 1}"));
                await _clock.Delay(decision.Delay.Value, cancellation).ConfigureAwait(false);
            }
        }

        private static string Describe(Failure failure) =>
            failure.StatusCode == 0
                ? failure.Kind == ErrorKind.RequestTimedOut ? "timed out" : "connection failed"
                : $"{failure.StatusCode} {failure.ErrorCode}".TrimEnd();
    }
}
