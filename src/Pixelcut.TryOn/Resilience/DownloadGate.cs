using System;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Resilience
{
    /// <summary>
    /// The result host's gate: result hosts are not paced like the API, so a command keeps its own bound on the downloads it
    /// runs at once, and its own circuit (a refused certificate or proxy there stops the downloads, not the status reads).
    /// </summary>
    internal sealed class DownloadGate : IRequestGate
    {
        /// <summary>A Try On render is a few MB: eight at once keep a line busy without making any one wait long.</summary>
        public const int MaxDownloadsAtOnce = 8;

        private readonly SemaphoreSlim _downloads = new SemaphoreSlim(MaxDownloadsAtOnce, MaxDownloadsAtOnce);
        private readonly CircuitBreaker _circuit;

        public DownloadGate(CircuitBreaker circuit) => _circuit = circuit;

        public Failure? StoppedBy => _circuit.OpenedBy;

        /// <summary>Result hosts are not the API's quota: a download the retry rule would try again always is.</summary>
        public bool TryRetry(Failure failure) => true;

        public async Task<Attempt<T>?> SendAsync<T>(Func<Task<Attempt<T>>> send, bool continuesJob, CancellationToken cancellation) where T : class
        {
            await _downloads.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                await _circuit.EnterAsync(cancellation).ConfigureAwait(false);
                Attempt<T>? attempt = null;
                try
                {
                    if (_circuit.OpenedBy != null) return null;
                    attempt = await send().ConfigureAwait(false);
                    return attempt;
                }
                finally
                {
                    _circuit.Record(attempt?.Failure);
                }
            }
            finally
            {
                _downloads.Release();
            }
        }
    }
}
