using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pixelcut.Sandbox;

/// <summary>A change of status a job makes by itself once AfterMs milliseconds have passed since it was added.</summary>
public sealed record TimelineStep(int AfterMs, string Status, string? ErrorCode);

/// <summary>A job; the job itself is the lock for its status, error code and timeline.</summary>
public sealed class SandboxJob
{
    private readonly long _addedAt = Stopwatch.GetTimestamp();

    public required string Id { get; init; }
    public string Status { get; set; } = "pending";
    public string? ErrorCode { get; set; }

    /// <summary>The result_url to answer when completed, in place of a fresh link to the sandbox's own result host.</summary>
    public string? ResultUrl { get; init; }

    public int CancelCount { get; set; }

    /// <summary>Faults still to happen, one per request for this job, in order.</summary>
    public ConcurrentQueue<string> Faults { get; } = new();

    /// <summary>Steps still to come, earliest first.</summary>
    public Queue<TimelineStep> Timeline { get; } = new();

    /// <summary>Faults still to happen, one per request for this job's asset, in order.</summary>
    public ConcurrentQueue<string> AssetFaults { get; } = new();

    /// <summary>The size of the JPEG the result host serves for this job; the base image when not larger.</summary>
    public int AssetBytes { get; init; }

    /// <summary>Applies the timeline steps whose time has come.</summary>
    public void Advance()
    {
        lock (this)
        {
            var elapsed = Stopwatch.GetElapsedTime(_addedAt).TotalMilliseconds;
            while (Timeline.TryPeek(out var step) && step.AfterMs <= elapsed)
            {
                Timeline.Dequeue();
                Status = step.Status;
                ErrorCode = step.ErrorCode;
            }
        }
    }
}

/// <summary>
/// One API request: JobId the job it named or the submit created, HadCookie when it carried a Cookie header, ViaProxy when it
/// was sent to the sandbox as a forward proxy, ProxyAuthorization what its Proxy-Authorization header carried short of a
/// password, Fault the scripted fault it played, Submit what a submit's body carried, BytesWritten the body bytes the server
/// accepted, Connection the id of the connection it came on (requests on one kept-alive connection share it).
/// </summary>
public sealed record LogEntry(
    string Method, string RawTarget, string? JobId, bool KeyAccepted, bool HadCookie, bool ViaProxy, string? ProxyAuthorization,
    string? UserAgent, string RequestId, int Status, long BytesWritten, string? Fault, SubmitWire? Submit, DateTimeOffset At, string Connection);

/// <summary>What answering an API request learns that its log entry keeps.</summary>
public sealed class LogNotes
{
    public string? JobId { get; set; }
    public string? Fault { get; set; }
    public SubmitWire? Submit { get; set; }
}

/// <summary>
/// One request to the result host: HadApiKey when it carried an X-API-KEY header of any value, HadCookie a Cookie header,
/// HadAuthorization an Authorization header, ViaProxy when it was sent to the sandbox as a forward proxy, BytesWritten the
/// body bytes the server accepted.
/// </summary>
public sealed record AssetLogEntry(
    string Method, string RawTarget, string JobId, bool HadApiKey, bool HadCookie, bool HadAuthorization, bool ViaProxy,
    string? UserAgent, int Status, long BytesWritten, DateTimeOffset At);

/// <summary>The jobs, the request logs, the account's rate limit and what its submits did.</summary>
public sealed class SandboxState
{
    /// <summary>Ids with this prefix are pending jobs the first time they are seen, for large batches.</summary>
    public const string AutoJobPrefix = "auto-";

    private readonly object _bucketGate = new();
    private double _tokens;
    private DateTimeOffset _lastRefill = DateTimeOffset.UtcNow;

    public SandboxState(SandboxOptions options)
    {
        Options = options;
        Submits = new SubmitState(options);
        _tokens = BurstSize;
    }

    public SandboxOptions Options { get; }
    public SubmitState Submits { get; }
    public ConcurrentDictionary<string, SandboxJob> Jobs { get; } = new(StringComparer.Ordinal);
    public ConcurrentQueue<LogEntry> Log { get; } = new();

    /// <summary>Requests to the result host, kept apart so the API's log holds only what the API received.</summary>
    public ConcurrentQueue<AssetLogEntry> AssetLog { get; } = new();

    public SandboxJob? Find(string id) =>
        Jobs.TryGetValue(id, out var job) ? job
        : id.StartsWith(AutoJobPrefix, StringComparison.Ordinal) ? Jobs.GetOrAdd(id, key => new SandboxJob { Id = key })
        : null;

    public void Reset()
    {
        Jobs.Clear();
        Log.Clear();
        AssetLog.Clear();
        Submits.Reset();
        lock (_bucketGate) _tokens = BurstSize;
        lock (_flightGate) _peakInFlight = 0;
    }

    private readonly object _flightGate = new();
    private int _inFlight;
    private int _peakInFlight;

    /// <summary>The most API requests that were in flight at once and admitted, since the last reset.</summary>
    public int PeakInFlight { get { lock (_flightGate) return _peakInFlight; } }

    /// <summary>Counts a request as in flight until disposed; over the concurrency limit it is counted but not admitted.</summary>
    public Flight EnterFlight()
    {
        lock (_flightGate)
        {
            _inFlight++;
            var overLimit = Options.ConcurrencyLimit > 0 && _inFlight > Options.ConcurrencyLimit;
            if (!overLimit) _peakInFlight = Math.Max(_peakInFlight, _inFlight);
            return new Flight(this, overLimit);
        }
    }

    private void LeaveFlight()
    {
        lock (_flightGate) _inFlight--;
    }

    public sealed class Flight(SandboxState state, bool overLimit) : IDisposable
    {
        public bool OverLimit { get; } = overLimit;
        public void Dispose() => state.LeaveFlight();
    }

    // A fifth of a second's worth of requests may come at once, as real rate limiters allow some burst, and never
    // fewer than two. With room for one only, a client that keeps exactly to 5/s is refused whenever its timer
    // fires a few milliseconds early (measured here: gaps of 196 to 205 ms at 200 ms), which a one-second window,
    // the usual way a "5 per second" limit is kept, would not do.
    private double BurstSize => Math.Max(2, Options.RateLimit / 5);

    /// <summary>Takes one request from the account's token bucket; false when the limit is exceeded.</summary>
    public bool TryTakeRateToken()
    {
        if (Options.RateLimit <= 0) return true;
        lock (_bucketGate)
        {
            var now = DateTimeOffset.UtcNow;
            _tokens = Math.Min(BurstSize, _tokens + (now - _lastRefill).TotalSeconds * Options.RateLimit);
            _lastRefill = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}
