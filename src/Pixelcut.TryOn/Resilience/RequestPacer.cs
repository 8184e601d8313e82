using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// Spaces the requests of one API key so that none reaches the API sooner after the one before than the account's
    /// limiter allows, whatever kind of limiter it runs. One pacer per key per process, shared by every command and runspace.
    /// <para>
    /// Never early: the gap is counted from the moment each request was actually handed to the transport, never from a
    /// schedule, so a timer that wakes late only delays; and no burst is ever sent. The interval starts at the documented
    /// rate (PIXELCUT_REQUESTS_PER_SECOND) and never goes below it. A 429 the pace explains (it came on a request sent
    /// about one interval after the last one before it that was not refused, answered or still out) raises the interval
    /// just above that gap, once per round trip: for any bucket-type limiter (token or leaky bucket, GCRA) a refused
    /// request came sooner than the limiter's interval, so its gap is a lower bound on it, unless it was counted from a
    /// request that waited for a connection of its own and so left later than counted. While the pace is what holds
    /// requests back, the interval gives back a little of what it gained, never below what the last minute's refusals proved.
    /// A limit on requests in flight found later takes back what its own refusals raised the pace by.
    /// </para>
    /// </summary>
    internal sealed class RequestPacer
    {
        public const double DefaultRequestsPerSecond = 5;

        /// <summary>How much later than its gap a request may reach a server than the one before it: jitter on the way.</summary>
        public static readonly TimeSpan JitterMargin = TimeSpan.FromMilliseconds(2);

        /// <summary>
        /// How much later a request that opens a connection of its own may leave than one on a connection already open: what
        /// opening one costs on this machine's loopback, where it was measured at up to 5 ms.
        /// </summary>
        public static readonly TimeSpan NewConnectionAllowance = TimeSpan.FromMilliseconds(5);

        /// <summary>How long a refused gap is kept as a lower bound on the server's interval: limits change.</summary>
        public static readonly TimeSpan LearnedLifetime = TimeSpan.FromMinutes(1);

        private const double GrowthOnUnexplainedRefusal = 1.25;
        // A refusal this far after the request before it is not one a bucket at the pace would have made.
        private const double GapsThePaceExplains = 1.5;
        private const int RecentKept = 256;
        private const double ShareGivenBackPerPacedRequest = 1.0 / 32;
        // Less than this above the lowest allowed, the interval is at it: the rest is below what any timer can keep.
        private static readonly TimeSpan Negligible = TimeSpan.FromMilliseconds(0.05);
        private const double MaxIntervalOverFloor = 8;

        private static readonly ConcurrentDictionary<string, RequestPacer> PacersByKey = new ConcurrentDictionary<string, RequestPacer>();

        private readonly IClock _clock;
        private readonly object _gate = new object();
        private TimeSpan _floor;
        private TimeSpan _interval;
        // The moment the last request was handed to the transport, and the turns of those still waiting for theirs.
        private TimeSpan? _lastSent;
        private readonly List<TimeSpan> _waitingTurns = new List<TimeSpan>();
        private bool _anyAccepted;
        // The latest sends, oldest first, each marked once it was refused: what a refusal's gap is counted from.
        private readonly LinkedList<SentRequest> _recent = new LinkedList<SentRequest>();
        // Requests sent before the interval was last raised (or slowed) were paced by the old one: their refusals are answered.
        private TimeSpan _raisedAt = TimeSpan.MinValue;
        private TimeSpan _slowedAt = TimeSpan.MinValue;
        private TimeSpan _provenInterval;
        private TimeSpan? _provenAt;
        private TimeSpan _pausedUntil = TimeSpan.MinValue;

        public RequestPacer(double requestsPerSecond, IClock clock)
        {
            _clock = clock;
            _floor = IntervalOf(requestsPerSecond);
            _interval = _floor;
        }

        /// <summary>The process-wide pacer of one key, set to the rate this command asks for.</summary>
        public static RequestPacer ForKey(string keyFingerprint, double requestsPerSecond)
        {
            var pacer = PacersByKey.GetOrAdd(keyFingerprint, _ => new RequestPacer(requestsPerSecond, SystemClock.Instance));
            pacer.RequestsPerSecond = requestsPerSecond;
            return pacer;
        }

        /// <summary>The documented rate, the ceiling: the interval never goes below its inverse.</summary>
        public double RequestsPerSecond
        {
            get { lock (_gate) return TimeSpan.TicksPerSecond / (double)_floor.Ticks; }
            set
            {
                lock (_gate)
                {
                    _floor = IntervalOf(value);
                    if (_interval < _floor) _interval = _floor;
                }
            }
        }

        /// <summary>The gap kept between two requests now.</summary>
        public TimeSpan Interval
        {
            get { lock (_gate) return _interval; }
        }

        /// <summary>
        /// Waits for this request's turn and claims it: returns the moment it may be handed to the transport, no sooner than
        /// one interval after the request before it was, and whether the pace made it wait.
        /// </summary>
        public async Task<PaceTurn> WaitTurnAsync(CancellationToken cancellation)
        {
            TimeSpan turn;
            bool paceBound;
            lock (_gate)
            {
                var now = _clock.Now;
                var after = _waitingTurns.Count > 0 ? LatestWaitingTurn() : _lastSent;
                turn = Max(Max(now, _pausedUntil), after.HasValue ? after.Value + _interval : now);
                paceBound = turn > now;
                _waitingTurns.Add(turn);
            }
            try
            {
                while (true)
                {
                    await _clock.WaitUntil(turn, cancellation).ConfigureAwait(false);
                    lock (_gate)
                    {
                        // A request before this one that left late moves this one's turn on by as much: gaps count from real sends.
                        var now = _clock.Now;
                        var earliest = Max(_pausedUntil, _lastSent.HasValue ? _lastSent.Value + _interval : now);
                        if (now >= earliest)
                        {
                            _waitingTurns.Remove(turn);
                            var sentBefore = _lastSent;
                            _lastSent = now;
                            _recent.AddLast(new SentRequest(now));
                            if (_recent.Count > RecentKept) _recent.RemoveFirst();
                            return new PaceTurn(now, paceBound, sentBefore);
                        }
                        _waitingTurns[_waitingTurns.IndexOf(turn)] = earliest;
                        turn = earliest;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // A turn given up (Ctrl+C, a stopped command) holds back nobody who comes after it.
                lock (_gate) _waitingTurns.Remove(turn);
                throw;
            }
        }

        /// <summary>
        /// The request given <paramref name="turn"/> did not go after all (the in-flight limit fell while it waited): the next
        /// one is counted from the send before it, as nothing left between them. Once a later turn was given, it stays spent.
        /// </summary>
        public void GiveBack(PaceTurn turn)
        {
            lock (_gate)
            {
                if (_lastSent != turn.SentAt || _recent.Last?.Value.SentAt != turn.SentAt)
                {
                    MarkRefused(turn.SentAt);
                    return;
                }
                _recent.RemoveLast();
                _lastSent = turn.SentBefore;
            }
        }

        /// <summary>
        /// The request given <paramref name="turn"/> left with <paramref name="send"/>'s count out, itself included. One sent with
        /// more out than ever before, other than the key's first, may wait for a connection of its own and so leave later than
        /// it was handed over: the next one waits <see cref="NewConnectionAllowance"/> longer, and a refused gap counted from it
        /// proves nothing about the server's interval.
        /// </summary>
        public void OnLeft(PaceTurn turn, LimitedSend send)
        {
            lock (_gate)
            {
                var sent = Find(turn.SentAt);
                if (sent != null) sent.InFlight = send.InFlight;
                // The key's first request needs no mark: the next leaves at its answer or when the head start ends, well after it.
                if (!send.MoreThanEverBefore || send.InFlight <= 1) return;
                if (sent != null) sent.MayLeaveLate = true;
                if (_lastSent == turn.SentAt) _lastSent = turn.SentAt + NewConnectionAllowance;
            }
        }

        /// <summary>Whether the 429 to the request sent at <paramref name="turn"/> has its gap counted from one that may have left late.</summary>
        public bool IsCountedFromLateRequest(PaceTurn turn)
        {
            lock (_gate) return LatestNotRefusedBefore(turn.SentAt)?.MayLeaveLate == true;
        }

        /// <summary>
        /// How many requests must be out at once for the pace to hold when answers take as long as the one to the request
        /// sent at <paramref name="turn"/> did: one per interval of its round trip, and one more waiting for its turn.
        /// </summary>
        public int InFlightToKeepPace(PaceTurn turn)
        {
            lock (_gate)
            {
                var roundTrip = _clock.Now - turn.SentAt;
                return (int)Math.Min(ConcurrencyLimiter.MaxLimit, Math.Ceiling(roundTrip.Ticks / (double)_interval.Ticks)) + 1;
            }
        }

        /// <summary>A request sent at <paramref name="turn"/> was let through.</summary>
        public void OnAccepted(PaceTurn turn)
        {
            lock (_gate)
            {
                // The first request of a key waited for its connection (TCP, TLS, a proxy's tunnel) after it was handed over,
                // so it reached the server later than it left: the next one is counted from its answer, never early.
                if (!_anyAccepted && _lastSent.HasValue) _lastSent = Max(_lastSent.Value, _clock.Now);
                _anyAccepted = true;
                // Only a pace that holds requests back is worth probing: with slots to spare a shorter gap would gain nothing.
                if (!turn.PaceBound || _interval <= _floor) return;
                var lowest = ProvenStillHolds ? Max(_floor, _provenInterval + JitterMargin) : _floor;
                if (_interval <= lowest) return;
                var given = _interval - TimeSpan.FromTicks((long)((_interval - lowest).Ticks * ShareGivenBackPerPacedRequest));
                _interval = given - lowest < Negligible ? lowest : given;
            }
        }

        /// <summary>
        /// A request sent at <paramref name="turn"/> was answered 429, and nothing said it was the in-flight limit's or a
        /// quota's. Returns true when the pace explains it, and the interval was raised (or already had been for its round
        /// trip); false when it does not, so something else must have refused it.
        /// </summary>
        public bool OnRefused(PaceTurn turn)
        {
            lock (_gate)
            {
                var before = MarkRefused(turn.SentAt);
                if (turn.SentAt <= _raisedAt) return true;
                // The first request of a run has no gap to read: it is never early.
                if (before == null) return false;
                var gap = turn.SentAt - before.SentAt;
                // A bucket refuses a request that came sooner than its interval; one sent well after is refused for something else.
                if (gap > TimeSpan.FromTicks((long)(_interval.Ticks * GapsThePaceExplains)) + JitterMargin) return false;
                // The request before it left later than counted: the gap on the wire was shorter, and bounds nothing.
                if (before.MayLeaveLate) return true;
                RememberPaceBeforeRaise(turn.SentAt);
                _provenInterval = Max(ProvenStillHolds ? _provenInterval : TimeSpan.Zero, gap);
                _provenAt = _clock.Now;
                _interval = Min(TimeSpan.FromTicks((long)(_floor.Ticks * MaxIntervalOverFloor)), Max(_interval, gap + JitterMargin));
                _raisedAt = _clock.Now;
                return true;
            }
        }

        /// <summary>
        /// The API refuses <paramref name="refusedOut"/> requests out at once, so the latest refusals sent with as many out
        /// raised the pace for nothing: it goes back to what it was before the earliest of them in the last minute (or the
        /// last 256 sends). A raise by a refusal with fewer out was the rate's: it, and every raise before it, stays.
        /// </summary>
        public void OnInFlightRefused(int refusedOut)
        {
            lock (_gate)
            {
                var now = _clock.Now;
                PaceState? takenBackTo = null;
                for (var node = _recent.Last; node != null && now - node.Value.SentAt < LearnedLifetime; node = node.Previous)
                {
                    var sent = node.Value;
                    if (!(sent.BeforeRaise is PaceState before)) continue;
                    if (sent.InFlight < refusedOut) break;
                    sent.BeforeRaise = null;
                    takenBackTo = before;
                }
                if (!(takenBackTo is PaceState state)) return;
                // Never below the documented rate, which a command may have lowered since.
                _interval = Max(_floor, Min(_interval, state.Interval));
                _provenInterval = state.ProvenInterval;
                _provenAt = state.ProvenAt;
            }
        }

        /// <summary>
        /// A 429 to the request sent at <paramref name="turn"/> that nothing explains: the pace slows by a quarter, once per
        /// round trip, and gives it back as paced requests are let through.
        /// </summary>
        public void SlowDown(PaceTurn turn)
        {
            lock (_gate)
            {
                MarkRefused(turn.SentAt);
                if (turn.SentAt <= _slowedAt) return;
                RememberPaceBeforeRaise(turn.SentAt);
                _interval = Min(TimeSpan.FromTicks((long)(_floor.Ticks * MaxIntervalOverFloor)), TimeSpan.FromTicks((long)(_interval.Ticks * GrowthOnUnexplainedRefusal)));
                _slowedAt = _clock.Now;
            }
        }

        /// <summary>
        /// The server said no request will pass until <paramref name="resetAfter"/> from now: a quota's window. The request
        /// sent at <paramref name="turn"/> was refused for it, not for its gap.
        /// </summary>
        public void PauseFor(PaceTurn turn, TimeSpan resetAfter)
        {
            lock (_gate)
            {
                MarkRefused(turn.SentAt);
                _pausedUntil = Max(_pausedUntil, _clock.Now + resetAfter);
            }
        }

        /// <summary>A request sent at <paramref name="turn"/> was refused for a reason other than the pace: no later gap counts from it.</summary>
        public void OnRefusedForOtherReasons(PaceTurn turn)
        {
            lock (_gate) MarkRefused(turn.SentAt);
        }

        /// <summary>Marks the send at <paramref name="sentAt"/> refused; returns the latest send before it that was not.</summary>
        private SentRequest? MarkRefused(TimeSpan sentAt)
        {
            var refused = Find(sentAt);
            if (refused != null) refused.Refused = true;
            return LatestNotRefusedBefore(sentAt);
        }

        /// <summary>The latest send before <paramref name="sentAt"/> not refused: what a gap is counted from.</summary>
        private SentRequest? LatestNotRefusedBefore(TimeSpan sentAt)
        {
            for (var node = _recent.Last; node != null; node = node.Previous)
            {
                if (node.Value.SentAt < sentAt && !node.Value.Refused) return node.Value;
            }
            return null;
        }

        /// <summary>
        /// Keeps, on the send at <paramref name="sentAt"/>, the pace its refusal is about to raise, so a limit on requests in
        /// flight found later can take the raise back.
        /// </summary>
        private void RememberPaceBeforeRaise(TimeSpan sentAt)
        {
            var refused = Find(sentAt);
            if (refused != null) refused.BeforeRaise = new PaceState(_interval, _provenInterval, _provenAt);
        }

        private SentRequest? Find(TimeSpan sentAt)
        {
            for (var node = _recent.Last; node != null; node = node.Previous)
            {
                if (node.Value.SentAt == sentAt) return node.Value;
            }
            return null;
        }

        private TimeSpan? LatestWaitingTurn()
        {
            TimeSpan? latest = null;
            foreach (var waiting in _waitingTurns) latest = !latest.HasValue || waiting > latest.Value ? waiting : latest;
            return latest;
        }

        /// <summary>Whether the last refused gap is recent enough to bound the interval still.</summary>
        private bool ProvenStillHolds => _provenAt.HasValue && _clock.Now - _provenAt.Value < LearnedLifetime;

        private static TimeSpan IntervalOf(double requestsPerSecond) => TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / requestsPerSecond));

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    /// <summary>
    /// One request the pacer let go: how many were out when it left (0 until known), whether it came back refused, what its
    /// refusal raised the pace from, and whether it may have left later than counted.
    /// </summary>
    internal sealed class SentRequest
    {
        public SentRequest(TimeSpan sentAt) => SentAt = sentAt;

        public TimeSpan SentAt { get; }

        public int InFlight { get; set; }

        /// <summary>The pace before this request's refusal raised it; null when it raised nothing, or the raise was taken back.</summary>
        public PaceState? BeforeRaise { get; set; }

        public bool Refused { get; set; }

        public bool MayLeaveLate { get; set; }
    }

    /// <summary>The interval, and the lower bound a refusal proved on it and when, at one moment.</summary>
    internal readonly struct PaceState
    {
        public PaceState(TimeSpan interval, TimeSpan provenInterval, TimeSpan? provenAt)
        {
            Interval = interval;
            ProvenInterval = provenInterval;
            ProvenAt = provenAt;
        }

        public TimeSpan Interval { get; }

        public TimeSpan ProvenInterval { get; }

        public TimeSpan? ProvenAt { get; }
    }

    /// <summary>
    /// A request's turn: when it was handed to the transport, whether the pace, not a free slot, made it wait, and when the
    /// turn before it was given: a send, or a turn that was given back only once a later one had been given, and so stays spent.
    /// </summary>
    internal readonly struct PaceTurn
    {
        public PaceTurn(TimeSpan sentAt, bool paceBound, TimeSpan? sentBefore)
        {
            SentAt = sentAt;
            PaceBound = paceBound;
            SentBefore = sentBefore;
        }

        public TimeSpan SentAt { get; }

        public bool PaceBound { get; }

        public TimeSpan? SentBefore { get; }
    }
}
