namespace Pixelcut.TryOn.Tests;

public class RetryBudgetTests
{
    [Fact]
    public void Starts_with_ten_retries_and_earns_one_per_five_first_attempts_up_to_fifty()
    {
        var budget = new RetryBudget();
        Assert.Equal(10, Enumerable.Range(0, 20).Count(_ => budget.TrySpend()));
        for (var i = 0; i < 5; i++) budget.OnFirstAttempt();
        Assert.True(budget.TrySpend());
        Assert.False(budget.TrySpend());
        for (var i = 0; i < 1000; i++) budget.OnFirstAttempt();
        Assert.Equal(50, Enumerable.Range(0, 100).Count(_ => budget.TrySpend()));
    }

    [Fact]
    public async Task A_command_the_api_keeps_refusing_stops_retrying_once_the_budget_is_spent()
    {
        var handler = ScriptedHandler.Always((_, _) =>
            Task.FromResult(TestRequests.Answer((System.Net.HttpStatusCode)429, """{"error":"Too many requests","error_code":"rate_limit_exceeded"}""")()));
        var requester = TestRequests.Requester(handler, maxRetries: 20);
        var results = new List<JobResult<CancelledJob>>();
        for (var i = 0; i < 5; i++) results.Add(await JobOperations.CancelAsync(requester, $"j{i}", null, CancellationToken.None));
        Assert.All(results, result => Assert.Equal(ErrorKind.RateLimitExceeded, result.Failure!.Kind));
        // Five first attempts earn one retry on top of the ten the budget starts with.
        Assert.Equal(5 + 11, handler.Requests);
        Assert.Contains(results[^1].Trace, line => line.Text.Contains("retries of 429s are spent"));
    }
}
