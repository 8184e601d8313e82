using System.Collections.Concurrent;
using System.Diagnostics;
using Pixelcut.Sandbox.RateLimiting;

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
/// accepted, At when it was answered; ArrivedAt when it reached the door, before the limits looked at it (see
/// <see cref="SandboxClock.Format"/>), RefusedBy the limit that answered it 429: "rate", "concurrency" or null, and
/// Connection the id of the connection it came on (requests on one kept-alive connection share it).
/// </summary>
public sealed record LogEntry(
    string Method, string RawTarget, string? JobId, bool KeyAccepted, bool HadCookie, bool ViaProxy, string? ProxyAuthorization,
    string? UserAgent, string RequestId, int Status, long BytesWritten, string? Fault, SubmitWire? Submit, DateTimeOffset At,
    string ArrivedAt, string? RefusedBy, string Connection);

/// <summary>What answering an API request learns that its log entry keeps.</summary>
public sealed class LogNotes
{
    public const string RefusedByRate = "rate";
    public const string RefusedByConcurrency = "concurrency";

    public string? JobId { get; set; }
    public string? Fault { get; set; }
    public SubmitWire? Submit { get; set; }
    public string? RefusedBy { get; set; }
}

/// <summary>
/// One request to the result host: HadApiKey when it carried an X-API-KEY header of any value, HadCookie a Cookie header,
/// HadAuthorization an Authorization header, ViaProxy when it was sent to the sandbox as a forward proxy, BytesWritten the
/// body bytes the server accepted.
/// </summary>
public sealed record AssetLogEntry(
    string Method, string RawTarget, string JobId, bool HadApiKey, bool HadCookie, bool HadAuthorization, bool ViaProxy,
    string? UserAgent, int Status, long BytesWritten, DateTimeOffset At);

/// <summary>The jobs, the request logs, the account's rate and concurrency limits and what its submits did.</summary>
public sealed class SandboxState
{
    /// <summary>Ids with this prefix are pending jobs the first time they are seen, for large batches.</summary>
    public const string AutoJobPrefix = "auto-";

    private readonly object _limiterGate = new();
    private IRateLimiter? _limiter;
    private (string Name, double Rate, double Burst) _limiterBuiltFor;

    public SandboxState(SandboxOptions options)
    {
        Options = options;
        Submits = new SubmitState(options);
        RebuildRateLimiter();
    }

    public SandboxOptions Options { get; }
    public SandboxClock Clock { get; } = new();
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
        RebuildRateLimiter();
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

    /// <summary>
    /// Builds the limiter again when the rate settings changed, so it starts from rest; the same settings given again, as
    /// every Set-SandboxSetting gives them, leave it where it was.
    /// </summary>
    public void ApplyRateLimitSettings()
    {
        lock (_limiterGate)
        {
            if (_limiterBuiltFor != (Options.RateLimiter, Options.RateLimit, Options.RateLimitBurst)) RebuildRateLimiter();
        }
    }

    private void RebuildRateLimiter()
    {
        lock (_limiterGate)
        {
            _limiterBuiltFor = (Options.RateLimiter, Options.RateLimit, Options.RateLimitBurst);
            _limiter = Options.RateLimit > 0 ? RateLimiterCatalog.Create(Options.RateLimiter, Options.RateLimit, Options.RateLimitBurst) : null;
        }
    }

    /// <summary>The account's rate limiter's decision on a request that arrived at <paramref name="now"/>; null with no rate limit.</summary>
    public RateDecision? DecideRate(TimeSpan now)
    {
        IRateLimiter? limiter;
        lock (_limiterGate) limiter = _limiter;
        return limiter?.Decide(now);
    }
}
