using System;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// What every attempt of one kind passes through before it goes out, and learns from after: an API request the key's
    /// limiter, pacer and circuit; a download the cap on downloads at once and the result host's circuit.
    /// </summary>
    internal interface IRequestGate
    {
        /// <summary>Runs <paramref name="send"/> when the attempt's turn comes; null when a failure that dooms every request came first, so it was not sent.</summary>
        /// <param name="continuesJob">True for an attempt that continues a job already begun, which goes ahead of jobs not yet sent.</param>
        Task<Attempt<T>?> SendAsync<T>(Func<Task<Attempt<T>>> send, bool continuesJob, CancellationToken cancellation) where T : class;

        /// <summary>Whether an attempt that failed with <paramref name="failure"/> may be tried again; counts the retry when it may.</summary>
        bool TryRetry(Failure failure);

        /// <summary>The failure that stopped every attempt, once there is one.</summary>
        Failure? StoppedBy { get; }
    }
}
