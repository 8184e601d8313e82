
namespace Pixelcut.TryOn.Tests;

public class OrderedDispatcherTests
{
    [Fact]
    public void Results_come_back_in_input_order_even_when_later_items_finish_first()
    {
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var dispatcher = new OrderedDispatcher<int>(4, CancellationToken.None);
        foreach (var gate in gates) dispatcher.Enqueue("g", (_, _) => gate.Task);

        gates[3].SetResult(3);
        gates[1].SetResult(1);
        Assert.Empty(dispatcher.TakeReady());
        gates[0].SetResult(0);
        Assert.Equal(0, dispatcher.TakeOldest());
        Assert.Equal(1, dispatcher.TakeOldest());
        Assert.False(SpinWait.SpinUntil(() => dispatcher.TakeReady().Any(), 50), "item 2 is not done, so nothing may be ready");
        gates[2].SetResult(2);
        Assert.Equal(2, dispatcher.TakeOldest());
        Assert.Equal(3, dispatcher.TakeOldest());
        Assert.Equal(0, dispatcher.Pending);
    }

    [Fact]
    public async Task No_more_than_the_throttle_limit_run_at_once()
    {
        var running = 0;
        var highest = 0;
        var dispatcher = new OrderedDispatcher<int>(3, CancellationToken.None);
        var results = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            var item = i;
            dispatcher.Enqueue("i", async (_, _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref highest, now);
                await Task.Delay(5);
                Interlocked.Decrement(ref running);
                return item;
            });
            while (dispatcher.IsFull) results.Add(dispatcher.TakeOldest());
        }
        while (dispatcher.Pending > 0) results.Add(dispatcher.TakeOldest());
        await Task.Yield();
        Assert.Equal(Enumerable.Range(0, 30), results);
        Assert.InRange(highest, 1, 3);
    }

    [Fact]
    public void The_window_is_bounded_so_endless_input_streams()
    {
        var dispatcher = new OrderedDispatcher<int>(2, CancellationToken.None);
        var never = new TaskCompletionSource<int>();
        for (var i = 0; i < 8; i++) dispatcher.Enqueue("n", (_, _) => never.Task);
        Assert.True(dispatcher.IsFull);
    }

    [Fact]
    public void Taking_the_oldest_stops_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var dispatcher = new OrderedDispatcher<int>(1, cancellation.Token);
        dispatcher.Enqueue("c", async (_, token) => { await Task.Delay(Timeout.Infinite, token); return 1; });
        cancellation.CancelAfter(50);
        Assert.ThrowsAny<OperationCanceledException>(() => dispatcher.TakeOldest());
    }

    [Fact]
    public void Untaken_items_say_whether_they_were_sent_and_what_they_returned()
    {
        var sent = new TaskCompletionSource<string>();
        var dispatcher = new OrderedDispatcher<string>(3, CancellationToken.None);
        dispatcher.Enqueue("done", (_, _) => Task.FromResult("result"));
        dispatcher.Enqueue("sent", (markSent, _) => { markSent(); return sent.Task; });
        dispatcher.Enqueue("waiting", (_, _) => new TaskCompletionSource<string>().Task);

        var untaken = dispatcher.Untaken();
        Assert.Equal(new[] { "done", "sent", "waiting" }, untaken.Select(item => item.Name));
        Assert.Equal("result", untaken[0].Result);
        Assert.True(untaken[1].Sent);
        Assert.Null(untaken[1].Result);
        Assert.False(untaken[2].Sent);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
