namespace Pixelcut.TryOn.Tests;

/// <summary>The watch's rules with scripted reads and a fake clock; waiting against the stand-in is tested in Pester.</summary>
public class JobWatcherTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static JobResult<TryOnJob> Read(string jobId, string status) =>
        new(jobId, new TryOnJob(jobId, status, null, null, null, DateTime.UtcNow, null), null, Array.Empty<TraceLine>(), attempts: 1);

    private static JobResult<TryOnJob> Failed(string jobId, ErrorKind kind, int status) =>
        new(jobId, null, new Failure(kind, jobId, status), Array.Empty<TraceLine>(), attempts: 1);

    /// <summary>Answers each job's reads from its script, repeating the last answer; counts the reads.</summary>
    private sealed class ScriptedReads(Dictionary<string, Func<string, JobResult<TryOnJob>>[]> scripts)
    {
        private readonly Dictionary<string, int> _reads = new();

        public int ReadsOf(string jobId) { lock (_reads) return _reads.GetValueOrDefault(jobId); }

        public Task<JobResult<TryOnJob>> ReadAsync(string jobId, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            int index;
            lock (_reads) index = _reads[jobId] = _reads.GetValueOrDefault(jobId) + 1;
            var script = scripts[jobId];
            return Task.FromResult(script[Math.Min(index, script.Length) - 1](jobId));
        }
    }

    private static List<WatchReport> TakeUntilEnded(JobWatcher watcher, int endings)
    {
        var reports = new List<WatchReport>();
        while (reports.Count(report => report.Ends) < endings)
        {
            Assert.True(watcher.TryTake(out var report, Patience, CancellationToken.None), "no report came");
            reports.Add(report);
        }
        return reports;
    }

    [Fact]
    public void Reads_a_job_until_it_finishes_waiting_a_full_interval_after_each_answer()
    {
        var reads = new ScriptedReads(new() { ["a"] = [id => Read(id, "Pending"), id => Read(id, "Running"), id => Read(id, "Completed")] });
        var clock = new FakeClock();
        using var watcher = new JobWatcher(reads.ReadAsync, Interval, clock, CancellationToken.None);

        Assert.True(watcher.Watch("a"));
        var reports = TakeUntilEnded(watcher, 1);

        Assert.Equal(new[] { "Pending", "Running", "Completed" }, reports.Select(report => report.Result.Value!.Status));
        Assert.Equal(new[] { false, false, true }, reports.Select(report => report.Ends));
        Assert.Equal(3, reads.ReadsOf("a"));
        Assert.Equal(new[] { Interval, Interval }, clock.Delays);
        Assert.Equal(0, watcher.Unfinished);
    }

    [Fact]
    public void Watches_a_job_given_twice_once()
    {
        var reads = new ScriptedReads(new() { ["a"] = [id => Read(id, "Failed")] });
        using var watcher = new JobWatcher(reads.ReadAsync, Interval, new FakeClock(), CancellationToken.None);

        Assert.True(watcher.Watch("a"));
        Assert.False(watcher.Watch("a"));
        TakeUntilEnded(watcher, 1);

        Assert.False(watcher.TryTake(out _, TimeSpan.FromMilliseconds(100), CancellationToken.None));
        Assert.Equal(1, reads.ReadsOf("a"));
    }

    [Fact]
    public void An_answer_that_would_not_change_ends_the_watch_and_a_failure_worth_retrying_does_not()
    {
        var reads = new ScriptedReads(new()
        {
            ["gone"] = [id => Failed(id, ErrorKind.JobNotFound, 404)],
            ["flaky"] = [id => Failed(id, ErrorKind.ServerError, 503), id => Read(id, "Completed")],
        });
        using var watcher = new JobWatcher(reads.ReadAsync, Interval, new FakeClock(), CancellationToken.None);

        watcher.Watch("gone");
        watcher.Watch("flaky");
        var reports = TakeUntilEnded(watcher, 2);

        var gone = Assert.Single(reports, report => report.Result.JobId == "gone");
        Assert.True(gone.Ends);
        Assert.Equal(ErrorKind.JobNotFound, gone.Result.Failure!.Kind);
        Assert.Equal(1, reads.ReadsOf("gone"));
        var flaky = reports.Where(report => report.Result.JobId == "flaky").ToList();
        Assert.Equal(new[] { false, true }, flaky.Select(report => report.Ends));
        Assert.Contains(flaky[0].Result.Trace, line => line.Text.Contains("reading again in 2 s", StringComparison.Ordinal));
        Assert.Equal("Completed", flaky[1].Result.Value!.Status);
    }

    [Fact]
    public async Task Close_names_each_unfinished_job_with_its_last_status_and_nothing_is_reported_after()
    {
        var reads = new ScriptedReads(new() { ["slow"] = [id => Read(id, "Running")] });
        using var watcher = new JobWatcher(reads.ReadAsync, TimeSpan.FromMilliseconds(20), SystemClock.Instance, CancellationToken.None);

        watcher.Watch("slow");
        Assert.True(watcher.TryTake(out var first, Patience, CancellationToken.None));
        Assert.Equal("Running", first.Result.Value!.Status);
        var (_, unended) = watcher.Close();
        var readsAtClose = reads.ReadsOf("slow");
        await Task.Delay(200);

        Assert.Equal(new[] { new KeyValuePair<string, string>("slow", "Running") }, unended);
        Assert.False(watcher.TryTake(out _, TimeSpan.Zero, CancellationToken.None));
        Assert.InRange(reads.ReadsOf("slow"), readsAtClose, readsAtClose + 1);
        Assert.Equal(new[] { new KeyValuePair<string, int>("Running", 1) }, watcher.CountsByStatus());
    }

    [Fact]
    public async Task An_answer_that_arrives_after_Close_changes_nothing_Close_said()
    {
        var gate = new TaskCompletionSource<JobResult<TryOnJob>>();
        using var watcher = new JobWatcher((_, _) => gate.Task, Interval, new FakeClock(), CancellationToken.None);

        watcher.Watch("a");
        var (_, unended) = watcher.Close();
        // The transport hands back an answer it has read even when cancelled; this one says the job completed.
        gate.SetResult(Read("a", "Completed"));
        await Task.Delay(100);

        Assert.Equal(JobWatcher.NotReadYet, Assert.Single(unended).Value);
        Assert.False(watcher.TryTake(out _, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(JobWatcher.NotReadYet, Assert.Single(watcher.CountsByStatus()).Key);
        Assert.False(watcher.Watch("b"));
    }

    [Fact]
    public void A_job_whose_watch_ended_with_an_error_is_counted_as_such_and_as_ended()
    {
        var reads = new ScriptedReads(new() { ["gone"] = [id => Failed(id, ErrorKind.JobNotFound, 404)] });
        using var watcher = new JobWatcher(reads.ReadAsync, Interval, new FakeClock(), CancellationToken.None);

        watcher.Watch("gone");
        TakeUntilEnded(watcher, 1);

        Assert.Equal(JobWatcher.EndedWithError, Assert.Single(watcher.CountsByStatus()).Key);
        Assert.Equal(0, watcher.Unfinished);
    }

    [Fact]
    public void An_exception_that_escapes_a_read_ends_the_job_with_a_record()
    {
        using var watcher = new JobWatcher((_, _) => throw new InvalidOperationException("broken"), Interval, new FakeClock(), CancellationToken.None);

        watcher.Watch("a");
        var report = Assert.Single(TakeUntilEnded(watcher, 1));

        Assert.Equal(ErrorKind.UnexpectedResponse, report.Result.Failure!.Kind);
        Assert.Contains("broken", report.Result.Failure.Detail, StringComparison.Ordinal);
        Assert.Equal(0, watcher.Unfinished);
    }
}
