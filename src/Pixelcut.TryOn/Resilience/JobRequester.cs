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
    /// Sends one job's request until it succeeds or the retry policy gives up: every attempt takes an
    /// in-flight slot of the key's limiter, then waits for the key's pacer, and every wait takes the
    /// caller's cancellation.
    /// </summary>
    internal sealed class JobRequester
    {
        private readonly PixelcutHttp _http;
        private readonly RetryPolicy _policy;
        private readonly RequestPacer _pacer;
        private readonly ConcurrencyLimiter _limiter;
        private readonly IClock _clock;
        private readonly TimeSpan _timeout;
        private int _throttledCount;
        private int _requestCount;
        private int _answered429;
        private int _retryCount;
        private int _peakInFlight;

        private readonly CircuitBreaker _circuit;

        public JobRequester(PixelcutHttp http, RetryPolicy policy, RequestPacer pacer, ConcurrencyLimiter limiter, IClock clock, TimeSpan timeout)
        {
            _http = http;
            _policy = policy;
            _pacer = pacer;
            _limiter = limiter;
            _clock = clock;
            _timeout = timeout;
            _circuit = new CircuitBreaker(clock);
        }

        /// <summary>How long one attempt may take.</summary>
        public TimeSpan Timeout => _timeout;

        /// <summary>Requests answered 429 and then tried again.</summary>
        public int ThrottledCount => Volatile.Read(ref _throttledCount);

        /// <summary>What this requester did so far: requests sent, answered 429, retried, and the most in flight at once.</summary>
        public RequestStatistics Statistics =>
            new RequestStatistics(Volatile.Read(ref _requestCount), Volatile.Read(ref _answered429), Volatile.Read(ref _retryCount), Volatile.Read(ref _peakInFlight));

        /// <param name="sending">Called before each attempt goes out, so the caller knows the server may act on the job.</param>
        /// <param name="continuesJob">True when the request continues a job already begun; every retry does.</param>
        public async Task<JobResult<ApiAnswer>> SendAsync(HttpMethod method, string jobId, string path, Action? sending, bool continuesJob,
            CancellationToken cancellation)
        {
            var trace = new List<TraceLine>();
            var mayHaveReachedServer = false;
            for (var attempt = 1; ; attempt++)
            {
                var result = await SendWithinLimitAsync(method, jobId, path, trace, sending, continuesJob || attempt > 1, cancellation).ConfigureAwait(false);
                if (result.Attempt == null)
                {
                    return new JobResult<ApiAnswer>(jobId, null, _circuit.OpenedBy!.StoppingUnsent(jobId, attempt - 1), trace, mayHaveReachedServer, attempt - 1);
                }
                mayHaveReachedServer |= result.Attempt.MayHaveReachedServer;
                if (result.Attempt.Failure == null)
                {
                    _pacer.OnAccepted();
                    _limiter.OnAnswered(result.InFlight);
                    return new JobResult<ApiAnswer>(jobId, result.Attempt.Answer, null, trace, mayHaveReachedServer, attempt);
                }

                var failure = result.Attempt.Failure;
                var throttled = failure.Kind == ErrorKind.RateLimitExceeded;
                if (throttled)
                {
                    Interlocked.Increment(ref _answered429);
                    // A 429 that refused the limiter's own probe says nothing about the pace.
                    if (!_limiter.OnThrottled(result.InFlight)) _pacer.OnThrottled();
                }

                var retried = await WaitToRetryAsync($"job '{SafeText.Printable(jobId)}'", attempt, failure, result.Attempt.RetryAfter, trace, cancellation)
                    .ConfigureAwait(false);
                if (!retried) return new JobResult<ApiAnswer>(jobId, null, failure.WithAttempts(attempt), trace, mayHaveReachedServer, attempt);
                if (throttled) Interlocked.Increment(ref _throttledCount);
                Interlocked.Increment(ref _retryCount);
            }
        }

        /// <summary>
        /// After attempt number <paramref name="attempt"/> failed: waits as the retry rule says and returns true, or returns
        /// false when there is to be no other attempt. Every retry loop of a command, for the API or beside it, goes
        /// through here, so all keep one rule and one way of saying so.
        /// </summary>
        /// <param name="subject">What is not retried, for the Verbose line that says so: "job 'x'".</param>
        public async Task<bool> WaitToRetryAsync(string subject, int attempt, Failure failure, TimeSpan? retryAfter, ICollection<TraceLine> trace,
            CancellationToken cancellation)
        {
            var decision = _policy.Decide(attempt, failure, retryAfter);
            if (decision.Delay == null)
            {
                if (RetryPolicy.IsRetryable(failure)) trace.Add(TraceLine.Verbose($"Not retrying {subject}: {decision.Reason}."));
                return false;
            }
            trace.Add(TraceLine.Verbose($"{Describe(failure)}, retrying in {decision.Delay.Value.TotalSeconds:0.0} s, attempt {attempt + 1} of {_policy.MaxRetryCount + 1}"));
            await _clock.Delay(decision.Delay.Value, cancellation).ConfigureAwait(false);
            return true;
        }

        /// <summary>
        /// One attempt inside an in-flight slot of the key's limiter, sent at the key's pace. The slot comes first, so the
        /// pace holds exactly; a slot that was waited for while the pacer sat idle grows the limit.
        /// </summary>
        /// <returns>The attempt, or null when an answer that dooms every request came while this one waited, so it was not sent.</returns>
        private async Task<(Attempt? Attempt, int InFlight)> SendWithinLimitAsync(HttpMethod method, string jobId, string path,
            List<TraceLine> trace, Action? sending, bool continuesJob, CancellationToken cancellation)
        {
            var waited = await _limiter.AcquireAsync(continuesJob, cancellation).ConfigureAwait(false);
            try
            {
                // Inside the slot, so requests still leave in the order they took their slots once the first has its outcome.
                await _circuit.EnterAsync(cancellation).ConfigureAwait(false);
                Attempt? attempt = null;
                try
                {
                    var turn = _pacer.ReserveSlot();
                    if (waited && turn == TimeSpan.Zero) _limiter.OnPacerSlotWasted();
                    await _clock.Delay(turn, cancellation).ConfigureAwait(false);
                    if (_circuit.OpenedBy != null) return (null, 0);
                    var inFlight = _limiter.BeginSend();
                    try
                    {
                        Interlocked.Increment(ref _requestCount);
                        UpdatePeak(inFlight);
                        attempt = await _http.SendAsync(method, jobId, path, _timeout, trace.Add, sending, cancellation).ConfigureAwait(false);
                        return (attempt, inFlight);
                    }
                    finally
                    {
                        _limiter.EndSend();
                    }
                }
                finally
                {
                    _circuit.Record(attempt?.Failure);
                }
            }
            finally
            {
                _limiter.Release();
            }
        }

        private void UpdatePeak(int inFlight)
        {
            int peak;
            while ((peak = Volatile.Read(ref _peakInFlight)) < inFlight && Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) != peak) { }
        }

        /// <summary>A failed attempt in a few words, for the line that says it is retried.</summary>
        private static string Describe(Failure failure) =>
            failure.StatusCode == 0
                ? failure.Kind == ErrorKind.RequestTimedOut ? "timed out" : "connection failed"
                : $"{failure.StatusCode} {failure.ErrorCode}".TrimEnd();
    }
}
