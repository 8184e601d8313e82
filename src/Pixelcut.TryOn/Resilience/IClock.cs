using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>Time as pacing and retries see it, so tests can run them without sleeping.</summary>
    internal interface IClock
    {
        /// <summary>Monotonic time since an arbitrary start.</summary>
        TimeSpan Now { get; }

        Task Delay(TimeSpan delay, CancellationToken cancellation);

        /// <summary>Returns at <paramref name="moment"/> of <see cref="Now"/> or just after it, never before.</summary>
        Task WaitUntil(TimeSpan moment, CancellationToken cancellation);
    }

    internal sealed class SystemClock : IClock
    {
        public static readonly SystemClock Instance = new SystemClock();
        private static readonly Stopwatch Watch = Stopwatch.StartNew();

        private SystemClock() { }

        public TimeSpan Now => Watch.Elapsed;

        // A timer wakes late by up to its tick (15.6 ms on Windows, about a millisecond elsewhere): sleep until that much
        // before the moment, then yield the thread until it comes. Yielding the thread, not awaiting, so no
        // synchronization context a host may have set is asked to run the rest.
        private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? 16 : 2);

        public Task Delay(TimeSpan delay, CancellationToken cancellation) =>
            delay > TimeSpan.Zero ? Task.Delay(delay, cancellation) : Task.CompletedTask;

        public async Task WaitUntil(TimeSpan moment, CancellationToken cancellation)
        {
            var left = moment - Now;
            if (left > TimerSlack) await Task.Delay(left - TimerSlack, cancellation).ConfigureAwait(false);
            while (Now < moment)
            {
                cancellation.ThrowIfCancellationRequested();
                Thread.Yield();
            }
        }
    }
}
