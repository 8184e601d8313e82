using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Pixelcut.TryOn.Dispatch
{
    /// <summary>
    /// Runs at most ThrottleLimit items at once and hands results back strictly in the order the items
    /// came in. It holds a bounded window of items, so an endless input streams in bounded memory:
    /// when the window is full, the caller waits for the oldest item before adding another.
    /// Only the caller's thread takes results; workers never touch it.
    /// </summary>
    internal sealed class OrderedDispatcher<T>
    {
        private const int WaitingTickMilliseconds = 250;

        private readonly SemaphoreSlim _slots;
        private readonly Queue<Item> _window = new Queue<Item>();
        private readonly int _windowSize;
        private readonly CancellationToken _cancellation;
        private int _finished;

        public OrderedDispatcher(int throttleLimit, CancellationToken cancellation)
        {
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit));
            _slots = new SemaphoreSlim(throttleLimit, throttleLimit);
            // Room for results that finish ahead of a slow one, without letting the window grow with the input.
            _windowSize = throttleLimit * 4;
            _cancellation = cancellation;
        }

        public int Pending => _window.Count;

        /// <summary>Items whose work has ended, whether or not their result was taken: how far the work is, which results in order may lag.</summary>
        public int Finished => Volatile.Read(ref _finished);

        public bool IsFull => _window.Count >= _windowSize;

        /// <summary>Adds work named <paramref name="name"/>; the work calls the action it is given once its request goes out.</summary>
        public void Enqueue(string name, Func<Action, CancellationToken, Task<T>> work)
        {
            var item = new Item(name);
            item.Run(RunAsync(item, work));
            _window.Enqueue(item);
        }

        /// <summary>The results that are ready, oldest first, stopping at the first that is not.</summary>
        public IEnumerable<T> TakeReady()
        {
            while (_window.Count > 0 && _window.Peek().Task.IsCompleted)
            {
                yield return _window.Dequeue().Task.GetAwaiter().GetResult();
            }
        }

        /// <summary>Blocks until the oldest item is done and returns its result.</summary>
        /// <param name="whileWaiting">Called on the caller's thread every quarter second the oldest item is still running, for progress.</param>
        /// <exception cref="OperationCanceledException">The dispatcher's cancellation fired first.</exception>
        public T TakeOldest(Action? whileWaiting = null)
        {
            var oldest = _window.Peek();
            while (!oldest.Task.Wait(WaitingTickMilliseconds, _cancellation)) whileWaiting?.Invoke();
            return _window.Dequeue().Task.GetAwaiter().GetResult();
        }

        /// <summary>What was never taken, for an account of work cut short: each item's name, whether it was sent, and its result if it had one.</summary>
        public IReadOnlyList<UntakenItem> Untaken() =>
            _window.Select(item => new UntakenItem(item.Name, item.Sent,
                item.Task.Status == TaskStatus.RanToCompletion ? item.Task.Result : default)).ToList();

        private async Task<T> RunAsync(Item item, Func<Action, CancellationToken, Task<T>> work)
        {
            await _slots.WaitAsync(_cancellation).ConfigureAwait(false);
            try
            {
                var result = await work(item.MarkSent, _cancellation).ConfigureAwait(false);
                Interlocked.Increment(ref _finished);
                return result;
            }
            finally
            {
                _slots.Release();
            }
        }

        internal sealed class UntakenItem
        {
            public UntakenItem(string name, bool sent, T? result)
            {
                Name = name;
                Sent = sent;
                Result = result;
            }

            public string Name { get; }
            public bool Sent { get; }
            public T? Result { get; }
        }

        private sealed class Item
        {
            private int _sent;

            public Item(string name) => Name = name;

            public string Name { get; }
            public Task<T> Task { get; private set; } = null!;
            public bool Sent => Volatile.Read(ref _sent) == 1;

            public void Run(Task<T> task) => Task = task;

            public void MarkSent() => Volatile.Write(ref _sent, 1);
        }
    }
}
