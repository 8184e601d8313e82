using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Pixelcut.TryOn.Pipeline
{
    /// <summary>
    /// Runs at most ThrottleLimit items at once and hands results back strictly in the order the items
    /// came in. It holds a bounded window of items, so an endless input streams in bounded memory:
    /// when the window is full, the caller waits for the oldest item before adding another.
    /// Only the caller's thread takes results; workers never touch it.
    /// </summary>
    internal sealed class OrderedDispatcher<T>
    {
        private readonly SemaphoreSlim _slots;
        private readonly Queue<Task<T>> _window = new Queue<Task<T>>();
        private readonly int _windowSize;
        private readonly CancellationToken _cancellation;

        public OrderedDispatcher(int throttleLimit, CancellationToken cancellation)
        {
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit));
            _slots = new SemaphoreSlim(throttleLimit, throttleLimit);
            // Room for results that finish ahead of a slow one, without letting the window grow with the input.
            _windowSize = throttleLimit * 4;
            _cancellation = cancellation;
        }

        public int Pending => _window.Count;

        public bool IsFull => _window.Count >= _windowSize;

        public void Enqueue(Func<CancellationToken, Task<T>> work) => _window.Enqueue(RunAsync(work));

        /// <summary>The results that are ready, oldest first, stopping at the first that is not.</summary>
        public IEnumerable<T> TakeReady()
        {
            while (_window.Count > 0 && _window.Peek().IsCompleted)
            {
                yield return _window.Dequeue().GetAwaiter().GetResult();
            }
        }

        /// <summary>Blocks until the oldest item is done and returns its result.</summary>
        /// <exception cref="OperationCanceledException">The dispatcher's cancellation fired first.</exception>
        public T TakeOldest()
        {
            var oldest = _window.Peek();
            oldest.Wait(_cancellation);
            return _window.Dequeue().GetAwaiter().GetResult();
        }

        private async Task<T> RunAsync(Func<CancellationToken, Task<T>> work)
        {
            await _slots.WaitAsync(_cancellation).ConfigureAwait(false);
            try
            {
                return await work(_cancellation).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
    }
}
