namespace Pixelcut.TryOn.Tests;

/// <summary>The result host's gate: at most eight downloads at once, and its own circuit.</summary>
public class DownloadGateTests
{
    [Fact(Timeout = 20000)]
    public async Task No_more_than_eight_downloads_run_at_once()
    {
        var gate = new DownloadGate(new CircuitBreaker(new FakeClock()));
        var running = 0;
        var highest = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await gate.SendAsync(() => Task.FromResult(Attempt<SavedBytes>.Succeeded(new SavedBytes(1))), false, CancellationToken.None);
        Assert.NotNull(first);
        var downloads = Enumerable.Range(0, 20).Select(_ => gate.SendAsync(async () =>
        {
            var now = Interlocked.Increment(ref running);
            lock (release) highest = Math.Max(highest, now);
            await release.Task;
            Interlocked.Decrement(ref running);
            return Attempt<SavedBytes>.Succeeded(new SavedBytes(1));
        }, false, CancellationToken.None)).ToList();
        await Task.Delay(200);
        Assert.Equal(DownloadGate.MaxDownloadsAtOnce, Volatile.Read(ref running));
        release.SetResult();
        await Task.WhenAll(downloads);
        Assert.Equal(DownloadGate.MaxDownloadsAtOnce, highest);
    }

    [Fact]
    public async Task A_failure_that_dooms_every_download_stops_the_rest_unsent()
    {
        var gate = new DownloadGate(new CircuitBreaker(new FakeClock()));
        var refused = new Failure(ErrorKind.CertificateRejected, "a", detail: "the certificate of cdn.example.test is not trusted");
        await gate.SendAsync(() => Task.FromResult(Attempt<SavedBytes>.Failed(refused)), false, CancellationToken.None);
        var sent = false;
        var next = await gate.SendAsync(() => { sent = true; return Task.FromResult(Attempt<SavedBytes>.Succeeded(new SavedBytes(1))); }, false, CancellationToken.None);
        Assert.Null(next);
        Assert.False(sent);
        Assert.Same(refused, gate.StoppedBy);
    }
}
