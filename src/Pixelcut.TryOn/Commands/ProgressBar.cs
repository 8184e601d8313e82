using System;
using System.Diagnostics;
using System.Management.Automation;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// A command's one progress bar: shown only once the command has run a while (a quick one shows none), redrawn at most
    /// four times a second, and completed once at the end if it was ever shown.
    /// </summary>
    internal sealed class ProgressBar
    {
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

        private readonly Cmdlet _cmdlet;
        private readonly string _activity;
        private readonly TimeSpan _delay;
        private readonly Stopwatch _watch;
        private TimeSpan _lastShown;
        private bool _shown;

        /// <param name="delay">How long the command runs before the bar first shows.</param>
        /// <param name="watch">The command's time since it began.</param>
        public ProgressBar(Cmdlet cmdlet, string activity, TimeSpan delay, Stopwatch watch)
        {
            _watch = watch;
            _cmdlet = cmdlet;
            _activity = activity;
            _delay = delay;
        }

        /// <summary>Redraws the bar when it is due; <paramref name="describe"/> is asked only then, for the status and the percentage (null for none).</summary>
        public void Update(Func<(string Status, int? Percent)> describe)
        {
            var elapsed = _watch.Elapsed;
            if (elapsed < _delay || elapsed - _lastShown < Interval) return;
            _lastShown = elapsed;
            _shown = true;
            var (status, percent) = describe();
            var record = new ProgressRecord(1, _activity, status);
            if (percent.HasValue) record.PercentComplete = percent.Value;
            _cmdlet.WriteProgress(record);
        }

        public void Complete()
        {
            if (_shown) _cmdlet.WriteProgress(new ProgressRecord(1, _activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
