namespace Pixelcut.TryOn.Tests;

/// <summary>The warning an early stop gives, from what the dispatcher still holds, without a runspace.</summary>
public class EarlyStopAccountTests
{
    private static OrderedDispatcher<JobResult<CancelledJob>>.UntakenItem Item(string name, bool sent, JobResult<CancelledJob>? result = null) =>
        new(name, sent, result);

    private static JobResult<CancelledJob> Failed(string jobId, ErrorKind kind, bool mayHaveReachedServer) =>
        new(jobId, null, new Failure(kind, jobId), Array.Empty<TraceLine>(), mayHaveReachedServer);

    [Fact]
    public void Names_the_jobs_done_but_unreported_and_those_sent_without_a_final_answer()
    {
        var account = new EarlyStopAccount("cancelled", "Get-PixelcutTryOnJob shows their status.");
        var untaken = new[]
        {
            Item("done", sent: true, new JobResult<CancelledJob>("done", new CancelledJob("done", "Job cancelled", DateTime.UtcNow, 1, null), null, Array.Empty<TraceLine>())),
            Item("in-flight", sent: true),
            Item("waiting", sent: false),
            Item("timed-out", sent: true, Failed("timed-out", ErrorKind.RequestTimedOut, mayHaveReachedServer: true)),
            Item("finished", sent: true, Failed("finished", ErrorKind.JobFinished, mayHaveReachedServer: true)),
            Item("unknown", sent: true, Failed("unknown", ErrorKind.JobNotFound, mayHaveReachedServer: true)),
            Item("refused", sent: true, Failed("refused", ErrorKind.ConnectionFailed, mayHaveReachedServer: false)),
        };

        Assert.Equal("Stopped before every job was reported. Cancelled, not reported: done; sent without a final answer, may have been cancelled: " +
            "in-flight, timed-out. Get-PixelcutTryOnJob shows their status.", account.Warning(untaken));
    }

    [Fact]
    public void Names_a_success_not_reported_by_what_its_result_says_when_asked()
    {
        var account = new EarlyStopAccount("created", "Check first.", created => "job " + ((CancelledJob)created).JobId);
        var done = new JobResult<CancelledJob>("row 1", new CancelledJob("j-7", "ok", DateTime.UtcNow, 1, null), null, Array.Empty<TraceLine>());
        Assert.Equal("Stopped before every job was reported. Created, not reported: job j-7. Check first.", account.Warning(new[] { Item("row 1", sent: true, done) }));
    }

    [Fact]
    public void Says_nothing_when_no_job_may_have_been_acted_on()
    {
        var account = new EarlyStopAccount("cancelled", "Get-PixelcutTryOnJob shows their status.");
        Assert.Null(account.Warning(new[] { Item("waiting", sent: false), Item("finished", sent: true, Failed("finished", ErrorKind.JobFinished, true)) }));
    }
}
