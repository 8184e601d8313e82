using System.Net;
using System.Security.Authentication;

namespace Pixelcut.TryOn.Tests;

public class CircuitBreakerTests
{
    [Fact(Timeout = 20000)]
    public async Task The_first_attempt_goes_alone_and_its_outcome_lets_the_rest_go()
    {
        var circuit = new CircuitBreaker(SystemClock.Instance);
        await circuit.EnterAsync(CancellationToken.None);
        var second = circuit.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted, "nothing else goes out before the first attempt's outcome");
        circuit.Record(new Failure(ErrorKind.ServerError, "j", 503));
        await second;
        Assert.Null(circuit.OpenedBy);
        await circuit.EnterAsync(CancellationToken.None);
    }

    [Fact(Timeout = 20000)]
    public async Task A_slow_first_answer_holds_the_rest_for_the_head_start_only()
    {
        var circuit = new CircuitBreaker(SystemClock.Instance);
        await circuit.EnterAsync(CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await circuit.EnterAsync(CancellationToken.None);
        Assert.InRange(watch.Elapsed, CircuitBreaker.HeadStart - TimeSpan.FromMilliseconds(50), CircuitBreaker.HeadStart + TimeSpan.FromSeconds(5));
        Assert.Null(circuit.OpenedBy);
    }

    [Fact]
    public async Task The_head_start_ends_once_for_every_request_however_late_it_came()
    {
        var clock = new FakeClock();
        var circuit = new CircuitBreaker(clock);
        await circuit.EnterAsync(CancellationToken.None);
        // A request that comes 400 ms after the first waits what is left of the head start, not a whole one of its own.
        clock.Advance(TimeSpan.FromMilliseconds(400));
        await circuit.EnterAsync(CancellationToken.None);
        Assert.Equal(new[] { CircuitBreaker.HeadStart - TimeSpan.FromMilliseconds(400) }, clock.Delays);
        await circuit.EnterAsync(CancellationToken.None);
        Assert.Single(clock.Delays);
    }

    [Fact(Timeout = 20000)]
    public async Task A_failure_that_dooms_every_request_opens_it()
    {
        var circuit = new CircuitBreaker(SystemClock.Instance);
        await circuit.EnterAsync(CancellationToken.None);
        var refused = new Failure(ErrorKind.CertificateRejected, "j", detail: "the certificate of api.example.test was refused: it was revoked");
        circuit.Record(refused);
        Assert.Same(refused, circuit.OpenedBy);
        var stopped = refused.StoppingUnsent("k", 0);
        Assert.Equal((ErrorKind.CertificateRejected, "k", 0, refused.Detail), (stopped.Kind, stopped.JobId, stopped.Attempts, stopped.Detail));
    }

    [Fact(Timeout = 20000)]
    public async Task Waiting_behind_the_first_attempt_honours_cancellation()
    {
        var circuit = new CircuitBreaker(SystemClock.Instance);
        await circuit.EnterAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => circuit.EnterAsync(cancellation.Token));
    }

    /// <summary>The system's time, but a head start that never ends, so only the first attempt's outcome lets the rest go, however busy the machine.</summary>
    private sealed class EndlessHeadStart : IClock
    {
        public TimeSpan Now => SystemClock.Instance.Now;

        public Task Delay(TimeSpan delay, CancellationToken cancellation) =>
            // The head start's wait, whatever of it is left when a request comes, never ends; every other wait is real.
            delay > CircuitBreaker.HeadStart / 2 && delay <= CircuitBreaker.HeadStart
                ? Task.Delay(Timeout.Infinite, cancellation)
                : SystemClock.Instance.Delay(delay, cancellation);

        public Task WaitUntil(TimeSpan moment, CancellationToken cancellation) => SystemClock.Instance.WaitUntil(moment, cancellation);
    }

    [Fact(Timeout = 20000)]
    public async Task A_batch_started_at_once_meets_a_refused_certificate_once_and_sends_nothing_more()
    {
        // Fails every request as .NET does when the platform refuses the server's certificate. A handshake takes a while:
        // requests started at once would all be on their way before the first fails.
        var handler = ScriptedHandler.Always(async (_, cancellation) =>
        {
            await Task.Delay(100, cancellation);
            throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
                new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: PartialChain"));
        });
        var requester = TestRequests.Requester(handler, new EndlessHeadStart(), new RequestPacer(1000, SystemClock.Instance),
            new ConcurrencyLimiter(SystemClock.Instance));
        var results = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => JobOperations.CancelAsync(requester, $"j{i}", null, CancellationToken.None)));
        Assert.Equal(1, handler.Requests);
        Assert.All(results, result => Assert.Equal(ErrorKind.CertificateRejected, result.Failure!.Kind));
        Assert.Single(results, result => result.Attempts == 1);
    }
}
