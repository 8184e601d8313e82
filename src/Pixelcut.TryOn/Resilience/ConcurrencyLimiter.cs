using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// How many requests with one key may be in flight at once, learned from the API. One per key per process,
    /// beside the key's pacer, so commands that share a key share what was learned.
    /// <para>
    /// The rule, in the spirit of TCP's slow start and AIMD, and of BBR's bandwidth-delay product. Each answer shows
    /// how many must be out at once for the pace to hold (its round trip over the interval, and one more waiting), and
    /// the limit rises to that at once. A request that had to wait for an in-flight slot and then found the pacer idle
    /// shows a pacer slot wasted for want of a free request, so the limit grows as well: by one until the API first
    /// answers 429, by 1/limit after that. A 429 put down to concurrency (the headers say so; it refused the limiter's
    /// own probe; the last minute's requests sent with as many out were refused as only such a limit refuses them; or the
    /// pace does not explain it and at least half the limit was out) sets a ceiling one below the number out, and the
    /// limit drops to it (a request that took its slot before and has not left yet does not go while as many are out as
    /// the new limit allows); a 429 with fewer out is no limit on them's doing. Once the limit
    /// has sat at its ceiling for a while, or a minute after the last 429, it probes one above; a refused probe doubles
    /// the wait before the next, and one that holds keeps the higher ceiling and brings the next four times sooner. So
    /// in flight settles near rate × latency, or just under the API's own concurrency limit, and few requests are
    /// answered 429.
    /// </para>
    /// </summary>
    internal sealed class ConcurrencyLimiter
    {
        public const int MinLimit = 1;
        public const int MaxLimit = 64;
        public const int InitialLimit = 5;
        // Each probe costs a 429, and learning a ceiling two: probing once per hundred requests keeps 429s to three in a hundred.
        private const int FirstProbeAfter = 100;

        /// <summary>How long a ceiling holds without another 429 before it is probed: an API's limits change, and a long session should not stay held by an old one.</summary>
        public static readonly TimeSpan CeilingLifetime = TimeSpan.FromMinutes(1);

        private static readonly ConcurrentDictionary<string, ConcurrencyLimiter> LimitersByKey =
            new ConcurrentDictionary<string, ConcurrencyLimiter>();

        private readonly object _gate = new object();
        private readonly IClock _clock;
        private readonly bool _fixed;
        private readonly Queue<TaskCompletionSource<bool>> _waiting = new Queue<TaskCompletionSource<bool>>();
        // Requests that continue a job already begun (a retry, a status read that confirms a cancel): each freed slot goes to them first.
        private readonly Queue<TaskCompletionSource<bool>> _continuing = new Queue<TaskCompletionSource<bool>>();
        // When a 429 last confirmed the ceiling, or a probe above it was last begun.
        private TimeSpan _ceilingConfirmedAt;
        private double _limit = InitialLimit;
        private int _inFlight;
        // Slots are taken before the pace is waited for; only requests already sent count against the API's limit.
        private int _sent;
        private int _mostEverSent;
        private long _sends;
        private const int RecentSendsKept = 256;
        // The latest sends, each marked once let through or once a 429 to it was left to the evidence: what a limit on the
        // number out is read from. Only those sent after the last ceiling a 429 set count: it explains the refusals before it.
        private readonly Queue<RecentSend> _recentSends = new Queue<RecentSend>();
        private long _evidenceAfterSend;
        private bool _throttledOnce;
        private int _ceiling = MaxLimit;
        private int _probeAfter = FirstProbeAfter;
        private int _wastedAtCeiling;
        private bool _probing;

        /// <summary>The process-wide limiter of one key.</summary>
        public static ConcurrencyLimiter ForKey(string keyFingerprint) =>
            LimitersByKey.GetOrAdd(keyFingerprint, _ => new ConcurrencyLimiter(SystemClock.Instance));

        public ConcurrencyLimiter(IClock clock) => _clock = clock;

        private ConcurrencyLimiter(int fixedLimit)
        {
            _clock = SystemClock.Instance;
            _limit = fixedLimit;
            _fixed = true;
        }

        /// <summary>A limit the user set (-ThrottleLimit): it neither learns nor shares, and every 429 is left to the pacer.</summary>
        public static ConcurrencyLimiter Fixed(int limit) => new ConcurrencyLimiter(limit);

        public int Limit
        {
            get { lock (_gate) return (int)_limit; }
        }

        public int InFlight
        {
            get { lock (_gate) return _inFlight; }
        }

        /// <summary>Takes an in-flight slot; true when the caller had to wait for it.</summary>
        /// <param name="continuesJob">
        /// True for a request that continues a job already begun: it takes the next free slot ahead of every job not yet
        /// sent, so a job's confirmation or retry never waits behind the rest of a batch, and results in input order keep coming.
        /// </param>
        public async Task<bool> AcquireAsync(bool continuesJob, CancellationToken cancellation)
        {
            TaskCompletionSource<bool> waiter;
            lock (_gate)
            {
                var ahead = continuesJob ? _continuing.Count : _continuing.Count + _waiting.Count;
                if (ahead == 0 && _inFlight < (int)_limit)
                {
                    _inFlight++;
                    return false;
                }
                waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                (continuesJob ? _continuing : _waiting).Enqueue(waiter);
            }
            // A cancelled waiter stays queued; handing it a slot then fails, and the slot stays free.
            using (cancellation.Register(() => waiter.TrySetCanceled(cancellation)))
            {
                await waiter.Task.ConfigureAwait(false);
            }
            return true;
        }

        /// <summary>
        /// A request waited for its slot and then found the pacer idle: a pacer slot went unused for want of a free
        /// request, so more in flight would go faster.
        /// </summary>
        public void OnPacerSlotWasted()
        {
            lock (_gate)
            {
                GrowOnWastedSlot();
                ReleaseWaiters();
            }
        }

        public void Release()
        {
            lock (_gate) ReleaseSlot();
        }

        /// <summary>
        /// The request <paramref name="send"/> was answered, not with 429: a probe at its level held. With answers as slow as
        /// this one's, the pace needs <paramref name="neededForPace"/> out at once, so the limit is at least that, under any
        /// ceiling: growing one wasted slot at a time would lose an interval for each.
        /// </summary>
        public void OnAnswered(LimitedSend send, int neededForPace)
        {
            lock (_gate)
            {
                var inFlightWhenSent = send.InFlight;
                var recent = _recentSends.FirstOrDefault(sent => sent.Sequence == send.Sequence);
                if (recent != null) recent.LetThroughAt = _clock.Now;
                // A probe that held keeps its count as the ceiling, and the next comes sooner: the API's limit rose, or a
                // rate's 429 was taken for it. One at a time, since our count of requests out includes answers still on
                // their way back, so a probe can pass a limit that still holds.
                if (_probing && inFlightWhenSent >= _ceiling)
                {
                    _probing = false;
                    _ceilingConfirmedAt = _clock.Now;
                    _probeAfter = Math.Max(1, _probeAfter / 4);
                }
                ProbeIfCeilingIsStale();
                if (!_fixed && neededForPace > _limit) _limit = Math.Min(_ceiling, Math.Min(MaxLimit, neededForPace));
                ReleaseWaiters();
            }
        }

        /// <summary>
        /// The number out that the API refuses, when the 429 to <paramref name="send"/> shows a limit on requests in flight:
        /// the fewest out, two or more, at which at least two of the requests sent in the last minute (or the last 256 sends,
        /// and since the last ceiling a 429 set) with as many out or more were refused: every one of them, where no request
        /// that high was let through; where one was, at least half, and a request sent with fewer out after the first of them
        /// was let through. A limit on the rate, or a quota, refuses by the gap or the clock, not by the number out, so it
        /// refuses those with fewer out too.
        /// Some sent with as many out may pass a limit that holds: our count of requests out runs ahead of the API's while
        /// answers are on their way back. A ceiling one below costs little of what went through, as most that went that high
        /// were refused. A refusal that a late send before it may explain (<paramref name="mayConclude"/> false) counts, but
        /// concludes nothing. Null while nothing shows it.
        /// </summary>
        public int? InFlightTheApiRefuses(LimitedSend send, bool mayConclude)
        {
            lock (_gate)
            {
                var refused = _recentSends.FirstOrDefault(sent => sent.Sequence == send.Sequence);
                if (refused != null) refused.Refused = true;
                if (_fixed || !mayConclude) return null;
                var now = _clock.Now;
                var lastMinute = _recentSends.Where(sent => now - sent.SentAt < CeilingLifetime).ToList();
                var evidence = lastMinute.Where(sent => sent.Sequence > _evidenceAfterSend).ToList();
                // What was let through counts from before the last ceiling too: a quota that refuses everything after it is no limit on the number.
                var mostLetThrough = lastMinute.Where(sent => sent.LetThroughAt.HasValue).Select(sent => sent.InFlight).DefaultIfEmpty(0).Max();
                // A refusal with nothing else out is the rate's or the account's, never a limit on the number out.
                var counts = evidence.Where(sent => sent.Refused && sent.InFlight >= 2).Select(sent => sent.InFlight).Distinct().OrderBy(count => count);
                foreach (var count in counts)
                {
                    if (ShowsLimitAt(evidence, count, mostLetThrough)) return count;
                }
                return null;
            }
        }

        /// <summary>Whether <paramref name="evidence"/>'s sends with <paramref name="count"/> out or more show the API's limit on them.</summary>
        private static bool ShowsLimitAt(List<RecentSend> evidence, int count, int mostLetThrough)
        {
            var asHigh = evidence.Where(sent => sent.InFlight >= count).ToList();
            var refused = asHigh.Where(sent => sent.Refused).ToList();
            if (refused.Count < 2) return false;
            // Nothing let through this high: nothing can have passed by our count running ahead, so every one must be refused.
            if (count > mostLetThrough) return refused.Count == asHigh.Count;
            if (2 * refused.Count < asHigh.Count) return false;
            var firstRefusedAt = refused.Min(sent => sent.SentAt);
            return evidence.Any(sent => sent.InFlight < count && sent.LetThroughAt.HasValue && sent.SentAt > firstRefusedAt);
        }

        /// <summary>Whether a request sent with <paramref name="inFlightWhenSent"/> out was the limiter's probe above a ceiling a 429 set.</summary>
        public bool IsProbeAboveCeiling(int inFlightWhenSent)
        {
            lock (_gate) return _probing && inFlightWhenSent >= _ceiling;
        }

        /// <summary>
        /// A request with a slot may leave now: returns how many with this key are out with the API, this one included, or
        /// null when the limit fell below the slots already given since this one took its slot, and as many are out as it allows.
        /// </summary>
        public LimitedSend? TryBeginSend()
        {
            lock (_gate)
            {
                if (_sent >= (int)_limit) return null;
                _sent++;
                var moreThanEverBefore = _sent > _mostEverSent;
                _mostEverSent = Math.Max(_mostEverSent, _sent);
                var send = new LimitedSend(_sent, ++_sends, moreThanEverBefore);
                _recentSends.Enqueue(new RecentSend(send.InFlight, send.Sequence, _clock.Now));
                if (_recentSends.Count > RecentSendsKept) _recentSends.Dequeue();
                return send;
            }
        }

        /// <summary>A request sent with <see cref="TryBeginSend"/> has its answer, or none will come.</summary>
        public void EndSend()
        {
            lock (_gate) _sent--;
        }

        /// <summary>
        /// A request sent with <paramref name="inFlightWhenSent"/> out with the API was answered 429, and the pace does not
        /// explain it. Returns true when the limiter takes it as the API's limit on requests in flight and sets a ceiling one
        /// below that number: when the headers, a refused probe or the evidence show it (<paramref name="certain"/>), or when
        /// enough were out for such a limit to have bitten. A lone request's 429 no limit on concurrency would have spared. A
        /// limit the user set learns nothing from it: false.
        /// </summary>
        public bool OnThrottled(int inFlightWhenSent, bool certain)
        {
            lock (_gate)
            {
                if (_fixed) return false;
                _throttledOnce = true;
                if (!certain && inFlightWhenSent < Math.Max(2, Math.Ceiling(_limit / 2))) return false;
                var probeRefused = _probing && inFlightWhenSent >= _ceiling;
                if (probeRefused) _probeAfter *= 2;
                _probing = false;
                _ceilingConfirmedAt = _clock.Now;
                _ceiling = Math.Max(MinLimit, Math.Min(_ceiling, inFlightWhenSent - 1));
                _evidenceAfterSend = _sends;
                _wastedAtCeiling = 0;
                _limit = Math.Min(_limit, _ceiling);
                return true;
            }
        }

        private void GrowOnWastedSlot()
        {
            if (_fixed) return;
            ProbeIfCeilingIsStale();
            if (_limit >= _ceiling)
            {
                if (_ceiling >= MaxLimit || _probing || ++_wastedAtCeiling < _probeAfter) return;
                Probe();
                return;
            }
            _limit = Math.Min(_ceiling, _limit + (_throttledOnce ? 1 / _limit : 1));
        }

        /// <summary>
        /// A ceiling no 429 confirmed for <see cref="CeilingLifetime"/> is probed, not dropped: the limit a round trip asks for
        /// would otherwise go far past an API limit that still holds, and meet a 429 for each request over it.
        /// </summary>
        private void ProbeIfCeilingIsStale()
        {
            if (_fixed || _ceiling >= MaxLimit || _clock.Now - _ceilingConfirmedAt <= CeilingLifetime) return;
            // A probe that no request reached in that time settles nothing: it ends, and the raised ceiling stays.
            if (_probing)
            {
                _probing = false;
                _ceilingConfirmedAt = _clock.Now;
                return;
            }
            // Only a ceiling that holds the limit back is worth a probe.
            if (_limit >= _ceiling) Probe();
        }

        /// <summary>The ceiling, and the limit with it, one above what the last 429 allowed.</summary>
        private void Probe()
        {
            _ceiling++;
            _probing = true;
            _wastedAtCeiling = 0;
            _ceilingConfirmedAt = _clock.Now;
            _limit = _ceiling;
        }

        private void ReleaseSlot()
        {
            _inFlight--;
            ReleaseWaiters();
        }

        private void ReleaseWaiters()
        {
            while (_continuing.Count + _waiting.Count > 0 && _inFlight < (int)_limit)
            {
                var next = (_continuing.Count > 0 ? _continuing : _waiting).Dequeue();
                _inFlight++;
                if (!next.TrySetResult(true)) _inFlight--;
            }
        }
    }

    /// <summary>One of the latest sends: how many were out with it, its place among the key's sends, when it left, and when it was let through or whether it was refused.</summary>
    internal sealed class RecentSend
    {
        public RecentSend(int inFlight, long sequence, TimeSpan sentAt)
        {
            InFlight = inFlight;
            Sequence = sequence;
            SentAt = sentAt;
        }

        public int InFlight { get; }

        public long Sequence { get; }

        public TimeSpan SentAt { get; }

        public TimeSpan? LetThroughAt { get; set; }

        public bool Refused { get; set; }
    }

    /// <summary>
    /// A request on its way to the API: how many with its key were out with it, its place among the key's sends, and whether
    /// more were out than ever before, so that it is likely to wait for a connection no request before it had.
    /// </summary>
    internal readonly struct LimitedSend
    {
        public LimitedSend(int inFlight, long sequence, bool moreThanEverBefore)
        {
            InFlight = inFlight;
            Sequence = sequence;
            MoreThanEverBefore = moreThanEverBefore;
        }

        public int InFlight { get; }

        public long Sequence { get; }

        public bool MoreThanEverBefore { get; }
    }
}
