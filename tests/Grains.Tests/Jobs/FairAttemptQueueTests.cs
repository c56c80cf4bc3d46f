using Marketplace.Grains.Workers;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>The order in which a worker's accepted attempts take its run slots.</summary>
public sealed class FairAttemptQueueTests
{
    [Fact]
    public async Task AClientArrivingBehindAFloodIsServedNext()
    {
        var queue = new FairAttemptQueue<string>();
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue("a", "a" + i);
        }

        Assert.Equal("a0", (await TakeAsync(queue)).Item);
        queue.Enqueue("b", "b0");
        Assert.Equal(("b", "b0"), await TakeAsync(queue));
        Assert.Equal("a1", (await TakeAsync(queue)).Item);
        Assert.Equal(8, queue.CountOf("a"));
        Assert.Equal(0, queue.CountOf("b"));
    }

    [Fact]
    public async Task ClientsAlternateAndEachKeepsItsOwnOrder()
    {
        var queue = new FairAttemptQueue<string>();
        foreach (var item in new[] { "a0", "a1", "a2" })
        {
            queue.Enqueue("a", item);
        }

        foreach (var item in new[] { "b0", "b1", "b2" })
        {
            queue.Enqueue("b", item);
        }

        var order = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            order.Add((await TakeAsync(queue)).Item);
        }

        Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2"], order);
    }

    [Fact]
    public async Task FuelBurnedCountsAgainstTheClient()
    {
        var queue = new FairAttemptQueue<string>();
        for (var i = 0; i < 4; i++)
        {
            queue.Enqueue("heavy", "h" + i);
            queue.Enqueue("light", "l" + i);
        }

        // The heavy client's first attempt burns what ten attempts' worth of virtual time is: the light client's
        // attempts go first until it has had as much.
        var first = await TakeAsync(queue);
        Assert.Equal("heavy", first.ClientId);
        queue.Charge("heavy", 10 * FairAttemptQueue<string>.FuelPerUnit);
        var next = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            next.Add((await TakeAsync(queue)).ClientId);
        }

        Assert.Equal(["light", "light", "light", "light"], next);
    }

    [Fact]
    public async Task AnIdleClientEarnsNoCredit()
    {
        var queue = new FairAttemptQueue<string>();
        queue.Enqueue("b", "b0");
        Assert.Equal("b0", (await TakeAsync(queue)).Item);

        // a runs alone for a while; b, idle meanwhile, then gets one turn in two, not a burst of b's.
        for (var i = 0; i < 6; i++)
        {
            queue.Enqueue("a", "a" + i);
        }

        for (var i = 0; i < 4; i++)
        {
            await TakeAsync(queue);
        }

        for (var i = 1; i < 4; i++)
        {
            queue.Enqueue("b", "b" + i);
        }

        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            order.Add((await TakeAsync(queue)).ClientId);
        }

        Assert.Equal(2, order.Count(c => c == "b"));
    }

    [Fact]
    public async Task CompleteEndsWaitersOnceTheQueueIsEmpty()
    {
        var queue = new FairAttemptQueue<string>();
        queue.Enqueue("a", "a0");
        var waiting = queue.DequeueAsync(CancellationToken.None);
        Assert.Equal("a0", (await waiting)?.Item);
        var next = queue.DequeueAsync(CancellationToken.None);
        queue.Complete();
        Assert.Null(await next.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(queue.Enqueue("a", "late"));
    }

    private static async Task<(string ClientId, string Item)> TakeAsync(FairAttemptQueue<string> queue) =>
        (await queue.DequeueAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)))
        ?? throw new InvalidOperationException("the queue ended");
}
