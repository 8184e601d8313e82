using System;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// Stops a command's requests to one host once a failure dooms them all (a refused certificate or key, no credits, a
    /// proxy asking for credentials), so that failure is met once, not once per request in flight. Until the first attempt
    /// has its outcome, or for <see cref="HeadStart"/> at most, no other goes out: the first sets up what every request
    /// needs (TCP, TLS, a proxy's tunnel), and a batch that started all at once would meet a refused certificate once per
    /// request already on its way.
    /// </summary>
    internal sealed class CircuitBreaker
    {
        /// <summary>
        /// Long enough for a connection's handshakes (TCP, then TLS) across the world; a first answer slower than this holds
        /// nobody longer, since a slow API, not the route, is what keeps it.
        /// </summary>
        public static readonly TimeSpan HeadStart = TimeSpan.FromMilliseconds(500);

        private readonly IClock _clock;
        private readonly TaskCompletionSource<bool> _firstOutcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _firstTaken;
        // When the head start ends, counted from the first attempt's entry: every later request waits for the same moment.
        private long _headStartEndsTicks;
        private Failure? _openedBy;

        public CircuitBreaker(IClock clock) => _clock = clock;

        /// <summary>The failure that stopped every request, or null while requests may go.</summary>
        public Failure? OpenedBy => Volatile.Read(ref _openedBy);

        /// <summary>Waits until an attempt may go out: at once for the first, after the first attempt's outcome (or the head start) for the rest.</summary>
        public async Task EnterAsync(CancellationToken cancellation)
        {
            if (Interlocked.CompareExchange(ref _firstTaken, 1, 0) == 0)
            {
                Interlocked.Exchange(ref _headStartEndsTicks, (_clock.Now + HeadStart).Ticks);
                return;
            }
            if (_firstOutcome.Task.IsCompleted) return;
            var ends = Interlocked.Read(ref _headStartEndsTicks);
            // A request that entered before the first one noted its end waits the whole head start, as the first did.
            var left = ends == 0 ? HeadStart : TimeSpan.FromTicks(ends) - _clock.Now;
            if (left <= TimeSpan.Zero) return;
            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            {
                await Task.WhenAny(_firstOutcome.Task, _clock.Delay(left, waiting.Token)).ConfigureAwait(false);
                waiting.Cancel();
            }
            cancellation.ThrowIfCancellationRequested();
        }

        /// <summary>
        /// After any attempt, or when one entered but never went out: a failure that dooms every request opens the circuit,
        /// and the first outcome lets the others go.
        /// </summary>
        public void Record(Failure? failure)
        {
            // The first such failure stays the one every stopped request names.
            if (failure != null && ErrorTable.For(failure.Kind).Terminating) Interlocked.CompareExchange(ref _openedBy, failure, null);
            _firstOutcome.TrySetResult(true);
        }
    }
}
