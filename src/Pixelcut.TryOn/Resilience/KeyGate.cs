using System;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// The API's gate: every attempt takes an in-flight slot of the key's limiter, then waits for the key's pacer, unless the
    /// command's circuit has opened; what the answer says (accepted, 429) is fed back to both. It counts what it let through.
    /// </summary>
    internal sealed class KeyGate : IRequestGate
    {
        private readonly RequestPacer _pacer;
        private readonly ConcurrencyLimiter _limiter;
        private readonly IClock _clock;
        private readonly CircuitBreaker _circuit;
        private int _requestCount;
        private int _answered429;
        private int _retryCount;
        private int _throttledCount;
        private int _peakInFlight;

        /// <summary>The parts in the order an attempt meets them: the limiter's slot, the circuit, the pacer's turn.</summary>
        public KeyGate(ConcurrencyLimiter limiter, CircuitBreaker circuit, RequestPacer pacer, IClock clock)
        {
            _limiter = limiter;
            _circuit = circuit;
            _pacer = pacer;
            _clock = clock;
        }

        public Failure? StoppedBy => _circuit.OpenedBy;

        /// <summary>Requests answered 429 and then tried again.</summary>
        public int ThrottledCount => Volatile.Read(ref _throttledCount);

        /// <summary>What went through so far: requests sent, answered 429, retried, and the most in flight at once.</summary>
        public RequestStatistics Statistics =>
            new RequestStatistics(Volatile.Read(ref _requestCount), Volatile.Read(ref _answered429), Volatile.Read(ref _retryCount), Volatile.Read(ref _peakInFlight));

        /// <summary>
        /// The slot comes first, so the pace holds exactly; a slot that was waited for while the pacer sat idle grows the limit.
        /// </summary>
        public async Task<Attempt<T>?> SendAsync<T>(Func<Task<Attempt<T>>> send, bool continuesJob, CancellationToken cancellation) where T : class
        {
            Attempt<T>? attempt = null;
            var inFlight = 0;
            var waited = await _limiter.AcquireAsync(continuesJob, cancellation).ConfigureAwait(false);
            try
            {
                // Inside the slot, so requests still leave in the order they took their slots once the first has its outcome.
                await _circuit.EnterAsync(cancellation).ConfigureAwait(false);
                try
                {
                    var turn = _pacer.ReserveSlot();
                    if (waited && turn == TimeSpan.Zero) _limiter.OnPacerSlotWasted();
                    await _clock.Delay(turn, cancellation).ConfigureAwait(false);
                    if (_circuit.OpenedBy != null) return null;
                    inFlight = _limiter.BeginSend();
                    try
                    {
                        Interlocked.Increment(ref _requestCount);
                        UpdatePeak(inFlight);
                        attempt = await send().ConfigureAwait(false);
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
            // Once the slot is free again, as a 429's lower limit is for the requests still to come.
            Learn(attempt.Failure, inFlight);
            return attempt;
        }

        /// <summary>An API request that failed with <paramref name="failure"/> is tried again.</summary>
        public void OnRetried(Failure failure)
        {
            if (failure.Kind == ErrorKind.RateLimitExceeded) Interlocked.Increment(ref _throttledCount);
            Interlocked.Increment(ref _retryCount);
        }

        private void Learn(Failure? failure, int inFlight)
        {
            if (failure == null)
            {
                _pacer.OnAccepted();
                _limiter.OnAnswered(inFlight);
                return;
            }
            if (failure.Kind != ErrorKind.RateLimitExceeded) return;
            Interlocked.Increment(ref _answered429);
            // A 429 that refused the limiter's own probe says nothing about the pace.
            if (!_limiter.OnThrottled(inFlight)) _pacer.OnThrottled();
        }

        private void UpdatePeak(int inFlight)
        {
            int peak;
            while ((peak = Volatile.Read(ref _peakInFlight)) < inFlight && Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) != peak) { }
        }
    }
}
