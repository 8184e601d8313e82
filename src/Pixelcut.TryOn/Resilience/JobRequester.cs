using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Diagnostics;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// The one retry loop: sends one job's request through its gate until it succeeds or the retry policy gives up, for the
    /// API (the key's gate) and for the result host (a download gate) alike. Every wait takes the caller's cancellation.
    /// </summary>
    internal sealed class JobRequester
    {
        private readonly PixelcutHttp _http;
        private readonly RetryPolicy _policy;
        private readonly KeyGate _gate;
        private readonly IClock _clock;
        private readonly TimeSpan _timeout;

        /// <param name="gate">The key's gate every API request passes through.</param>
        public JobRequester(PixelcutHttp http, KeyGate gate, RetryPolicy policy, IClock clock, TimeSpan timeout)
        {
            _http = http;
            _gate = gate;
            _policy = policy;
            _clock = clock;
            _timeout = timeout;
        }

        /// <summary>How long one attempt may take.</summary>
        public TimeSpan Timeout => _timeout;

        /// <summary>API requests answered 429 and then tried again.</summary>
        public int ThrottledCount => _gate.ThrottledCount;

        /// <summary>What this requester's API requests came to so far: sent, answered 429, retried, and the most in flight at once.</summary>
        public RequestStatistics Statistics => _gate.Statistics;

        /// <summary>One request to the API for a job, through the key's gate, retried as the policy says.</summary>
        /// <param name="sending">Called before each attempt goes out, so the caller knows the server may act on the job.</param>
        /// <param name="continuesJob">True when the request continues a job already begun; every retry does.</param>
        public Task<JobResult<ApiAnswer>> SendAsync(HttpMethod method, string jobId, string path, Action? sending, bool continuesJob,
            CancellationToken cancellation)
        {
            var trace = new List<TraceLine>();
            return RetryAsync(_gate, $"job '{SafeText.Printable(jobId)}'", jobId, trace, continuesJob,
                () => _http.SendAsync(method, jobId, path, _timeout, trace.Add, sending, cancellation), cancellation);
        }

        /// <summary>
        /// One POST with a body that may create something the user pays for, through the key's gate. It is sent again only
        /// when the answer proves nothing was created (<see cref="ErrorTable.JudgeSubmit"/>); every other failure ends it.
        /// </summary>
        /// <param name="subject">What is sent, as messages name it: "the submit of person image 'p' with garment image 'g'".</param>
        /// <param name="body">Makes the body afresh for each attempt.</param>
        public Task<JobResult<ApiAnswer>> SubmitAsync(string subject, string path, Func<HttpContent> body, Action? sending, CancellationToken cancellation)
        {
            var trace = new List<TraceLine>();
            return RetryAsync(_gate, subject, string.Empty, trace, continuesJob: false, async () =>
            {
                var attempt = await _http.SendAsync(HttpMethod.Post, string.Empty, path, _timeout, trace.Add, sending, cancellation, body).ConfigureAwait(false);
                return attempt.Failure == null ? attempt : attempt.WithFailure(ErrorTable.JudgeSubmit(attempt.Failure, attempt.MayHaveReachedServer));
            }, cancellation);
        }

        /// <summary>
        /// Sends through <paramref name="gate"/> until an attempt succeeds, the policy gives up, or the gate stops every
        /// attempt; each failed attempt waits as the retry rule says and says so in <paramref name="trace"/>.
        /// </summary>
        /// <param name="subject">What is retried, for the Verbose line that says it is not: "job 'x'".</param>
        public async Task<JobResult<T>> RetryAsync<T>(IRequestGate gate, string subject, string jobId, List<TraceLine> trace, bool continuesJob,
            Func<Task<Attempt<T>>> send, CancellationToken cancellation) where T : class
        {
            var mayHaveReachedServer = false;
            for (var attempt = 1; ; attempt++)
            {
                var result = await gate.SendAsync(send, continuesJob || attempt > 1, cancellation).ConfigureAwait(false);
                if (result == null)
                    return new JobResult<T>(jobId, null, gate.StoppedBy!.StoppingUnsent(jobId, attempt - 1), trace, mayHaveReachedServer, attempt - 1);
                mayHaveReachedServer |= result.MayHaveReachedServer;
                var failure = result.Failure;
                if (failure == null) return new JobResult<T>(jobId, result.Value, null, trace, mayHaveReachedServer, attempt);

                var decision = _policy.Decide(attempt, failure, result.RetryAfter);
                if (decision.Delay == null)
                {
                    if (RetryPolicy.IsRetryable(failure)) trace.Add(TraceLine.Verbose($"Not retrying {subject}: {decision.Reason}."));
                    return new JobResult<T>(jobId, null, failure.WithAttempts(attempt), trace, mayHaveReachedServer, attempt);
                }
                if (!gate.TryRetry(failure))
                {
                    trace.Add(TraceLine.Verbose($"Not retrying {subject}: {Describe(failure)}, and this command's retries of 429s are spent."));
                    return new JobResult<T>(jobId, null, failure.WithAttempts(attempt), trace, mayHaveReachedServer, attempt);
                }
                trace.Add(TraceLine.Verbose($"{Describe(failure)}, retrying in {decision.Delay.Value.TotalSeconds:0.0} s, attempt {attempt + 1} of {_policy.MaxRetryCount + 1}"));
                await _clock.Delay(decision.Delay.Value, cancellation).ConfigureAwait(false);
            }
        }

        /// <summary>A failed attempt in a few words, for the line that says it is retried.</summary>
        private static string Describe(Failure failure) =>
            failure.StatusCode == 0
                ? failure.Kind == ErrorKind.RequestTimedOut ? "timed out" : "connection failed"
                : $"{failure.StatusCode} {failure.ErrorCode}".TrimEnd();
    }
}
