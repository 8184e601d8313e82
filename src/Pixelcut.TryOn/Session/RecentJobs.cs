using System;
using System.Collections.Generic;
using System.Linq;

namespace Pixelcut.TryOn.Session
{
    /// <summary>The last jobs a session has looked up, newest first, for completing -JobId; bounded so a long session stays small.</summary>
    internal sealed class RecentJobs
    {
        private readonly int _capacity;
        private readonly LinkedList<TryOnJob> _order = new LinkedList<TryOnJob>();
        private readonly Dictionary<string, LinkedListNode<TryOnJob>> _byId = new Dictionary<string, LinkedListNode<TryOnJob>>(StringComparer.Ordinal);
        private readonly object _gate = new object();

        public RecentJobs(int capacity) => _capacity = capacity;

        public void Remember(TryOnJob job)
        {
            lock (_gate)
            {
                if (_byId.TryGetValue(job.JobId, out var known)) _order.Remove(known);
                _byId[job.JobId] = _order.AddFirst(job);
                if (_order.Count <= _capacity) return;
                _byId.Remove(_order.Last!.Value.JobId);
                _order.RemoveLast();
            }
        }

        public IReadOnlyList<TryOnJob> StartingWith(string prefix)
        {
            lock (_gate)
            {
                return _order.Where(job => job.JobId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            }
        }
    }
}
