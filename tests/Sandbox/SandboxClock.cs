using System.Diagnostics;
using System.Globalization;

namespace Pixelcut.Sandbox;

/// <summary>
/// The sandbox's time since the Unix epoch: the wall clock read once at start-up, carried on by a Stopwatch, so the gaps
/// between requests are exact to the tick and never jump with the wall clock, while whole seconds still line up with UTC's,
/// as a limiter that counts per Unix second has them.
/// </summary>
public sealed class SandboxClock
{
    private readonly TimeSpan _startedAt = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch;
    private readonly long _started = Stopwatch.GetTimestamp();

    public TimeSpan Now => _startedAt + Stopwatch.GetElapsedTime(_started);

    /// <summary>ISO 8601 in UTC with all seven decimals, so a log keeps the ticks the limiters saw.</summary>
    public static string Format(TimeSpan sinceEpoch) =>
        (DateTime.UnixEpoch + sinceEpoch).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
