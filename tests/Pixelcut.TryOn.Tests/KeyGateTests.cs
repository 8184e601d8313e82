using System.Net;

namespace Pixelcut.TryOn.Tests;

/// <summary>How the key's gate puts each 429 down to one cause, and only that cause's part reacts.</summary>
public class KeyGateTests
{
    private static Func<HttpResponseMessage> Refused(params (string Name, string Value)[] headers) => () =>
    {
        var response = TestRequests.Answer((HttpStatusCode)429, """{"error":"Too many requests","error_code":"rate_limit_exceeded"}""")();
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    };

    private static readonly Func<HttpResponseMessage> Cancelled = TestRequests.Answer(HttpStatusCode.OK, """{"message":"Job cancelled"}""");

    [Fact]
    public async Task A_429_the_pace_explains_raises_the_interval_and_leaves_the_in_flight_limit_alone()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var limiter = new ConcurrencyLimiter(clock);
        var requester = TestRequests.Requester(new ScriptedHandler(Cancelled, Refused(), Cancelled), clock, pacer, limiter);
        await JobOperations.CancelAsync(requester, "a", null, CancellationToken.None);
        await JobOperations.CancelAsync(requester, "b", null, CancellationToken.None);
        Assert.Equal(TimeSpan.FromMilliseconds(202), pacer.Interval);
        Assert.Equal(ConcurrencyLimiter.InitialLimit, limiter.Limit);
    }

    [Fact]
    public async Task A_429_whose_headers_name_a_limit_on_concurrent_requests_lowers_the_in_flight_limit_only()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var limiter = new ConcurrencyLimiter(clock);
        var refused = Refused(("RateLimit-Policy", "\"concurrency\";q=1;qu=\"concurrent-requests\""), ("RateLimit", "\"concurrency\";r=0"));
        var requester = TestRequests.Requester(new ScriptedHandler(Cancelled, refused, Cancelled), clock, pacer, limiter);
        await JobOperations.CancelAsync(requester, "a", null, CancellationToken.None);
        await JobOperations.CancelAsync(requester, "b", null, CancellationToken.None);
        Assert.Equal(TimeSpan.FromMilliseconds(200), pacer.Interval);
        Assert.Equal(ConcurrencyLimiter.MinLimit, limiter.Limit);
    }

    [Fact]
    public async Task A_request_refused_for_the_number_out_still_counts_for_the_gap_of_the_next_refusal()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var concurrency = Refused(("RateLimit-Policy", "\"concurrency\";q=1;qu=\"concurrent-requests\""), ("RateLimit", "\"concurrency\";r=0"));
        var requester = TestRequests.Requester(new ScriptedHandler(Cancelled, concurrency, Refused()), clock, pacer, maxRetries: 0);
        await JobOperations.CancelAsync(requester, "a", null, CancellationToken.None);
        await JobOperations.CancelAsync(requester, "b", null, CancellationToken.None);
        await JobOperations.CancelAsync(requester, "c", null, CancellationToken.None);
        // c came one interval after b, which the rate's check let in: the pace explains c's refusal.
        Assert.Equal(TimeSpan.FromMilliseconds(202), pacer.Interval);
    }

    [Fact]
    public async Task A_429_the_pace_does_not_explain_whose_window_ran_out_holds_every_request_until_it_resets()
    {
        var clock = new FakeClock();
        var pacer = new RequestPacer(5, clock);
        var refused = Refused(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "30"));
        var requester = TestRequests.Requester(new ScriptedHandler(Cancelled, refused, Cancelled), clock, pacer);
        await JobOperations.CancelAsync(requester, "a", null, CancellationToken.None);
        // Long after the pace, so it is not the rate's.
        clock.Advance(TimeSpan.FromSeconds(5));
        var started = clock.Now;
        var result = await JobOperations.CancelAsync(requester, "b", null, CancellationToken.None);
        Assert.NotNull(result.Value);
        Assert.True(clock.Now - started >= TimeSpan.FromSeconds(30), $"the retry waited only {clock.Now - started}");
        Assert.Equal(TimeSpan.FromMilliseconds(200), pacer.Interval);
    }

    /// <summary>
    /// On the system's clock: the first request is held; of the two after it, whichever arrives first is refused for
    /// concurrency with two out, and the other, which took its slot before the limit fell to one, reaches its turn while
    /// the first is still out. It must not go then, and must go once the first has its answer.
    /// </summary>
    [Fact(Timeout = 30000)]
    public async Task A_request_whose_slot_the_limit_took_back_while_it_waited_for_its_turn_goes_once_there_is_room()
    {
        var concurrency = Refused(("RateLimit-Policy", "\"concurrency\";q=1;qu=\"concurrent-requests\""), ("RateLimit", "\"concurrency\";r=0"));
        var refusedOnce = 0;
        var api = new FirstHeldApi(firstOut => firstOut && Interlocked.Exchange(ref refusedOnce, 1) == 0 ? concurrency() : Cancelled());
        var limiter = new ConcurrencyLimiter(SystemClock.Instance);

        // The head start ends while the first is held; the third's turn comes one interval after the second's.
        var sends = api.Send(limiter, new RequestPacer(5, SystemClock.Instance), 3);
        await Task.Delay(CircuitBreaker.HeadStart + TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, limiter.Limit);
        api.Release();

        foreach (var result in await Task.WhenAll(sends)) Assert.NotNull(result.Value);
        Assert.Equal(1, api.OthersWhileFirstOut);
        Assert.Equal(0, limiter.InFlight);
    }

    /// <summary>
    /// On the system's clock, against an API that allows one request in flight and says nothing of why it refuses: the
    /// first request is held, and each other one is refused while it is out. The second refusal with two out, every
    /// request sent that high refused, shows the API's limit: the in-flight limit falls to one, nothing more is refused,
    /// and the pace takes back the slowing the first refusal brought, which nothing else explained.
    /// </summary>
    [Fact(Timeout = 30000)]
    public async Task Refusals_of_every_request_sent_with_another_out_teach_the_api_s_in_flight_limit_and_leave_the_pace_as_it_was()
    {
        var api = new FirstHeldApi(firstOut => firstOut ? Refused()() : Cancelled());
        var limiter = new ConcurrencyLimiter(SystemClock.Instance);
        var pacer = new RequestPacer(5, SystemClock.Instance);

        var sends = api.Send(limiter, pacer, 5);
        await Task.Delay(CircuitBreaker.HeadStart + TimeSpan.FromSeconds(2));
        Assert.Equal(1, limiter.Limit);
        Assert.Equal(2, api.OthersWhileFirstOut);
        Assert.Equal(TimeSpan.FromMilliseconds(200), pacer.Interval);
        api.Release();

        foreach (var result in await Task.WhenAll(sends)) Assert.NotNull(result.Value);
        Assert.Equal(2, api.OthersWhileFirstOut);
    }

    /// <summary>
    /// An API that holds the first job's cancel until <see cref="Release"/>, and answers every other one at once as
    /// <c>answer</c> says, told whether the first is still out; it counts the others that came while it was.
    /// </summary>
    private sealed class FirstHeldApi(Func<bool, HttpResponseMessage> answer)
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _firstOut;
        private int _othersWhileFirstOut;

        public int OthersWhileFirstOut => Volatile.Read(ref _othersWhileFirstOut);

        public void Release() => _held.SetResult();

        /// <summary>Cancels <paramref name="jobs"/> jobs through the module's stack on the system's clock at 5 a second, the first of them held.</summary>
        public List<Task<JobResult<CancelledJob>>> Send(ConcurrencyLimiter limiter, RequestPacer pacer, int jobs)
        {
            var requester = TestRequests.Requester(ScriptedHandler.Always(AnswerAsync), SystemClock.Instance, pacer, limiter);
            return Enumerable.Range(0, jobs).Select(i => JobOperations.CancelAsync(requester, i == 0 ? "first" : $"other-{i}", null, CancellationToken.None)).ToList();
        }

        private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken cancellation)
        {
            if (request.RequestUri!.Segments[^2].TrimEnd('/') != "first")
            {
                var firstOut = Volatile.Read(ref _firstOut) > 0;
                if (firstOut) Interlocked.Increment(ref _othersWhileFirstOut);
                return answer(firstOut);
            }
            Interlocked.Increment(ref _firstOut);
            await _held.Task;
            Interlocked.Decrement(ref _firstOut);
            return Cancelled();
        }
    }
}
