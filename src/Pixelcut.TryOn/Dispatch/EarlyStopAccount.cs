using System;
using System.Collections.Generic;
using Pixelcut.TryOn.Resilience;

namespace Pixelcut.TryOn.Dispatch
{
    /// <summary>
    /// What an early stop (Ctrl+C, a terminating error, -ErrorAction Stop, a failure further down the pipeline) would leave
    /// unsaid of the jobs a command changes: the ones the server acted on but the command has not reported, and the ones
    /// sent without a final answer.
    /// </summary>
    internal sealed class EarlyStopAccount
    {
        private readonly string _effect;
        private readonly string _advice;
        private readonly Func<object, string>? _doneName;

        /// <param name="effectOnJob">What a success did to the job on the server, as the warning says it: "cancelled".</param>
        /// <param name="advice">What to do about them, the warning's last sentence.</param>
        /// <param name="doneName">How a success not yet reported is named, from its result; by its input's name when null.</param>
        public EarlyStopAccount(string effectOnJob, string advice, Func<object, string>? doneName = null)
        {
            _effect = effectOnJob;
            _advice = advice;
            _doneName = doneName;
        }

        /// <summary>The warning for what <paramref name="untaken"/> holds; null when nothing is left unsaid.</summary>
        public string? Warning<T>(IReadOnlyList<OrderedDispatcher<JobResult<T>>.UntakenItem> untaken) where T : class
        {
            var done = new List<string>();
            var maybe = new List<string>();
            foreach (var item in untaken)
            {
                if (item.Result?.Value != null) done.Add(_doneName == null ? item.Name : _doneName(item.Result.Value));
                else if (item.Result == null ? item.Sent : MayHaveActed(item.Result)) maybe.Add(item.Name);
            }
            if (done.Count == 0 && maybe.Count == 0) return null;
            var parts = new List<string>();
            if (done.Count > 0) parts.Add($"{_effect}, not reported: {string.Join(", ", done)}");
            if (maybe.Count > 0) parts.Add($"sent without a final answer, may have been {_effect}: {string.Join(", ", maybe)}");
            return $"Stopped before every job was reported. {Capitalized(string.Join("; ", parts))}. {_advice}";
        }

        /// <summary>A failure that is not a definite answer about the job, after a request that may have reached the server.</summary>
        private static bool MayHaveActed<T>(JobResult<T> result) where T : class =>
            result.MayHaveReachedServer && result.Failure?.Kind != ErrorKind.JobFinished && result.Failure?.Kind != ErrorKind.JobNotFound;

        private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
