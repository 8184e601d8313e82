using System.Net;
using Pixelcut.Sandbox.RateLimiting;

namespace Pixelcut.TryOn.Tests;

/// <summary>
/// The module's request stack against each limiter a server may run, the Sandbox's own algorithms, on a fake clock and
/// without sockets: every request reaches the server up to two milliseconds after it left, as on a network, and the
/// pace must still get nearly the whole rate with few 429s.
/// </summary>
public class PaceAgainstServerLimitersTests
{
    [Theory]
    [InlineData("token-bucket", 1)]
    [InlineData("token-bucket", 5)]
    [InlineData("nginx", 0)]
    [InlineData("gcra", 0)]
    [InlineData("fixed-window", 0)]
    [InlineData("sliding-log", 0)]
    [InlineData("sliding-log-counting-refused", 0)]
    [InlineData("sliding-window-counter", 0)]
    public async Task A_hundred_requests_at_5_a_second_take_at_most_a_twentieth_more_than_the_limit_with_at_most_three_429s(string limiter, double burst)
    {
        var clock = new FakeClock();
        // Start part way into a second, as a run rarely starts on a window's edge.
        clock.Advance(TimeSpan.FromMilliseconds(1_700_000_000_137));
        var server = RateLimiterCatalog.Create(limiter, 5, burst);
        var jitter = new Random(7);
        var refused = 0;
        var handler = ScriptedHandler.Always((_, _) =>
        {
            var arrival = clock.Now + TimeSpan.FromMilliseconds(jitter.NextDouble() * 2);
            if (server.Decide(arrival).Allowed) return Task.FromResult(TestRequests.Answer(HttpStatusCode.OK, """{"message":"Job cancelled"}""")());
            refused++;
            return Task.FromResult(TestRequests.Answer((HttpStatusCode)429, """{"error":"Too many requests","error_code":"rate_limit_exceeded"}""")());
        });
        var requester = TestRequests.Requester(handler, clock, new RequestPacer(5, clock), jitter: 0.5);
        var started = clock.Now;

        for (var i = 0; i < 100; i++)
        {
            var result = await JobOperations.CancelAsync(requester, $"j{i}", null, CancellationToken.None);
            Assert.NotNull(result.Value);
        }

        var ratio = (clock.Now - started).TotalSeconds / (100 / 5.0);
        Assert.InRange(refused, 0, 3);
        Assert.InRange(ratio, 0.9, 1.05);
    }
}
