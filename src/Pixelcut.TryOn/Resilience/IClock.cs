using System;
using System.Diagnostics;
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
    }

    internal sealed class SystemClock : IClock
    {
        public static readonly SystemClock Instance = new SystemClock();
        private static readonly Stopwatch Watch = Stopwatch.StartNew();

        private SystemClock() { }

        public TimeSpan Now => Watch.Elapsed;

        public Task Delay(TimeSpan delay, CancellationToken cancellation) =>
            delay > TimeSpan.Zero ? Task.Delay(delay, cancellation) : Task.CompletedTask;
    }
}
