using System;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// The API's gate: every attempt takes an in-flight slot of the key's limiter, then waits for the key's pacer,
    /// unless the command's circuit has opened, and goes if the limit, which may have fallen meanwhile, still has room.
    /// Each 429 is put down to one cause before anyone reacts: the headers' word first (a limit on requests in flight,
    /// or a quota's window), then the evidence (a refused probe above a ceiling that held, or refusals that only a limit
    /// on the number out explains, is concurrency's; a refusal the pace explains is the rate's; one sent with many out
    /// that the pace does not explain is concurrency's), and only that cause's part reacts: a limit on requests in flight
    /// found takes back what the latest refusals with as many out raised the pace by. Retries of 429s come out of a
    /// budget that grows with first attempts, so a key out of quota does not retry at full rate. It counts what it let through.
    /// </summary>
    internal sealed class KeyGate : IRequestGate
    {
        private readonly RequestPacer _pacer;
        private readonly ConcurrencyLimiter _limiter;
        private readonly CircuitBreaker _circuit;
        private int _requestCount;
        private int _answered429;
        private int _retryCount;
        private int _throttledCount;
        private int _peakInFlight;
        private readonly RetryBudget _retries = new RetryBudget();

        /// <summary>The parts in the order an attempt meets them: the limiter's slot, the circuit, the pacer's turn.</summary>
        public KeyGate(ConcurrencyLimiter limiter, CircuitBreaker circuit, RequestPacer pacer)
        {
            _limiter = limiter;
            _circuit = circuit;
            _pacer = pacer;
        }

        public Failure? StoppedBy => _circuit.OpenedBy;

        /// <summary>Requests answered 429 and then tried again.</summary>
        public int ThrottledCount => Volatile.Read(ref _throttledCount);

        /// <summary>What went through so far: requests sent, answered 429, retried, and the most in flight at once.</summary>
        public RequestStatistics Statistics =>
            new RequestStatistics(Volatile.Read(ref _requestCount), Volatile.Read(ref _answered429), Volatile.Read(ref _retryCount), Volatile.Read(ref _peakInFlight));

        /// <summary>
        /// The slot comes first, so the pace holds exactly; a slot that was waited for while the pacer sat idle grows the limit.
        /// A request whose slot the limit took back while it waited for its turn gives the turn back and waits for a slot again,
        /// ahead of every job not yet sent: the limit fell because the API refused that many out.
        /// </summary>
        public async Task<Attempt<T>?> SendAsync<T>(Func<Task<Attempt<T>>> send, bool continuesJob, CancellationToken cancellation) where T : class
        {
            var gaveBack = false;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                var (went, attempt) = await TrySendAsync(send, continuesJob, gaveBack, cancellation).ConfigureAwait(false);
                if (went) return attempt;
                gaveBack = true;
            }
        }

        /// <summary>One go for a slot and a turn: whether the request went (or the circuit stopped it, with no attempt), and its attempt.</summary>
        private async Task<(bool Went, Attempt<T>? Attempt)> TrySendAsync<T>(Func<Task<Attempt<T>>> send, bool continuesJob, bool gaveBackBefore,
            CancellationToken cancellation) where T : class
        {
            var waited = await _limiter.AcquireAsync(continuesJob || gaveBackBefore, cancellation).ConfigureAwait(false);
            try
            {
                // Inside the slot, so requests still leave in the order they took their slots once the first has its outcome.
                await _circuit.EnterAsync(cancellation).ConfigureAwait(false);
                Failure? outcome = null;
                var gaveBack = false;
                try
                {
                    var turn = await _pacer.WaitTurnAsync(cancellation).ConfigureAwait(false);
                    if (_circuit.OpenedBy != null)
                    {
                        _pacer.OnRefusedForOtherReasons(turn);
                        return (true, null);
                    }
                    if (!(_limiter.TryBeginSend() is LimitedSend limited))
                    {
                        _pacer.GiveBack(turn);
                        gaveBack = true;
                        return (false, null);
                    }
                    try
                    {
                        _pacer.OnLeft(turn, limited);
                        // A slot waited for again after a give-back waited for the limit's fall, not for want of a request.
                        if (waited && !gaveBackBefore && !turn.PaceBound) _limiter.OnPacerSlotWasted();
                        if (!continuesJob) _retries.OnFirstAttempt();
                        Interlocked.Increment(ref _requestCount);
                        UpdatePeak(limited.InFlight);
                        var attempt = await send().ConfigureAwait(false);
                        outcome = attempt.Failure;
                        // While it still counts as out, so a 429's lower limit already holds for every request that leaves next.
                        Learn(attempt, turn, limited);
                        return (true, attempt);
                    }
                    finally
                    {
                        _limiter.EndSend();
                    }
                }
                finally
                {
                    // A request that gave its turn back has no outcome yet: it is still to go.
                    if (!gaveBack) _circuit.Record(outcome);
                }
            }
            finally
            {
                _limiter.Release();
            }
        }

        /// <summary>A 429 is tried again only while the budget lasts; every other retryable failure always is.</summary>
        public bool TryRetry(Failure failure)
        {
            if (failure.Kind == ErrorKind.RateLimitExceeded)
            {
                if (!_retries.TrySpend()) return false;
                Interlocked.Increment(ref _throttledCount);
            }
            Interlocked.Increment(ref _retryCount);
            return true;
        }

        private void Learn<T>(Attempt<T> attempt, PaceTurn turn, LimitedSend send) where T : class
        {
            var inFlight = send.InFlight;
            var failure = attempt.Failure;
            if (failure == null)
            {
                _pacer.OnAccepted(turn);
                _limiter.OnAnswered(send, _pacer.InFlightToKeepPace(turn));
                return;
            }
            if (failure.Kind != ErrorKind.RateLimitExceeded) return;
            Interlocked.Increment(ref _answered429);
            var hint = attempt.RateLimit;
            // The headers' word first: a limit on requests in flight, or a quota whose window has run out.
            // A request refused for the number out passed the rate's check on its way in: later gaps still count from it.
            if (hint?.Concurrency == true)
            {
                InFlightRefused(inFlight, certain: true);
                return;
            }
            if (hint?.Remaining == 0 && hint.ResetAfter is TimeSpan reset)
            {
                _pacer.PauseFor(turn, reset);
                return;
            }
            // Then the evidence: a refused probe above a ceiling that held, or refusals that only a limit on the number out
            // explains, is the in-flight limit's; a refusal at the pace is the rate's; one with enough out for a limit on
            // them to have bitten is theirs; else the pace slows.
            if (_limiter.IsProbeAboveCeiling(inFlight))
            {
                InFlightRefused(inFlight, certain: true);
                return;
            }
            if (_limiter.InFlightTheApiRefuses(send, mayConclude: !_pacer.IsCountedFromLateRequest(turn)) is int refusedOut)
            {
                InFlightRefused(refusedOut, certain: true);
                return;
            }
            if (_pacer.OnRefused(turn)) return;
            if (InFlightRefused(inFlight, certain: false)) _pacer.OnRefusedForOtherReasons(turn);
            else _pacer.SlowDown(turn);
        }

        /// <summary>
        /// A 429 sent with <paramref name="refusedOut"/> out, if the limiter takes it as the API's limit on requests in flight.
        /// When the headers or the evidence show that limit (<paramref name="certain"/>), the pace takes back what the latest
        /// refusals sent with as many out raised it by, as they were that limit's too; a guess from the number out alone takes
        /// back nothing.
        /// </summary>
        private bool InFlightRefused(int refusedOut, bool certain)
        {
            if (!_limiter.OnThrottled(refusedOut, certain)) return false;
            if (certain) _pacer.OnInFlightRefused(refusedOut);
            return true;
        }

        private void UpdatePeak(int inFlight)
        {
            int peak;
            while ((peak = Volatile.Read(ref _peakInFlight)) < inFlight && Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) != peak) { }
        }
    }
}
