using System;
using System.Collections.Concurrent;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// Spaces requests evenly so that everything sent with one API key stays under the account's
    /// rate limit. One pacer per key per process, shared by every command and runspace that uses it.
    /// A 429 slows every request on the key by a quarter (the limit is the account's, not the request's);
    /// accepted requests then bring the pace back to the set rate a little at a time. The steps are small
    /// because the key's concurrency limiter answers 429s too, and a pace halved on every 429 would
    /// throw away most of the rate the API allows.
    /// </summary>
    internal sealed class RequestPacer
    {
        public const double DefaultRequestsPerSecond = 5;
        private const double MaxSlowdown = 8;
        private const double SlowdownOnThrottle = 1.25;
        private const double RecoveryPerAcceptedRequest = 0.98;

        private static readonly ConcurrentDictionary<string, RequestPacer> PacersByKey = new ConcurrentDictionary<string, RequestPacer>();

        private readonly IClock _clock;
        private readonly object _gate = new object();
        private double _requestsPerSecond;
        private double _slowdown = 1;
        private TimeSpan _nextSlot;

        public RequestPacer(double requestsPerSecond, IClock clock)
        {
            _clock = clock;
            _requestsPerSecond = requestsPerSecond;
            _nextSlot = clock.Now;
        }

        /// <summary>The process-wide pacer of one key, set to the rate this command asks for.</summary>
        public static RequestPacer ForKey(string keyFingerprint, double requestsPerSecond)
        {
            var pacer = PacersByKey.GetOrAdd(keyFingerprint, _ => new RequestPacer(requestsPerSecond, SystemClock.Instance));
            pacer.RequestsPerSecond = requestsPerSecond;
            return pacer;
        }

        public double RequestsPerSecond
        {
            get { lock (_gate) return _requestsPerSecond; }
            set { lock (_gate) _requestsPerSecond = value; }
        }

        /// <summary>How much slower than the set rate the pacer runs now (1 = at the rate).</summary>
        public double Slowdown
        {
            get { lock (_gate) return _slowdown; }
        }

        /// <summary>Takes the next free slot and says how long until it comes.</summary>
        public TimeSpan ReserveSlot()
        {
            lock (_gate)
            {
                var now = _clock.Now;
                var slot = _nextSlot > now ? _nextSlot : now;
                _nextSlot = slot + TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond * _slowdown / _requestsPerSecond));
                return slot - now;
            }
        }

        public void OnThrottled()
        {
            lock (_gate) _slowdown = Math.Min(MaxSlowdown, _slowdown * SlowdownOnThrottle);
        }

        public void OnAccepted()
        {
            lock (_gate) _slowdown = Math.Max(1, _slowdown * RecoveryPerAcceptedRequest);
        }
    }
}
