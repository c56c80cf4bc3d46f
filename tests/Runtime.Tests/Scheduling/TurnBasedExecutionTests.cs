using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Scheduling;

public sealed class TurnBasedExecutionTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task ThousandConcurrentCallsToOneGrainNeverOverlap()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("overlap");
        var calls = Enumerable.Range(0, 1000).Select(_ => grain.Enter(3)).ToArray();
        var maxima = await Task.WhenAll(calls);
        Assert.Equal(1, maxima.Max());
    }

    [Fact]
    public async Task CallsToANonReentrantGrainRunInArrivalOrder()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("order");
        var calls = Enumerable.Range(0, 500).Select(grain.Append).ToArray();
        await Task.WhenAll(calls);
        Assert.Equal(Enumerable.Range(0, 500).ToList(), await grain.GetLog());
    }

    [Fact]
    public async Task ConcurrentFirstCallsCreateOneActivation()
    {
        var before = Volatile.Read(ref TurnGrain.Constructions);
        var key = "race-" + Guid.NewGuid();
        var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await _silo.Grains.GetGrain<ITurnGrain>(key).GetActivationId();
        })).ToArray();
        start.Set();
        var ids = await Task.WhenAll(callers);
        Assert.Single(ids.Distinct());
        Assert.Equal(1, Volatile.Read(ref TurnGrain.Constructions) - before);
    }

    [Fact]
    public async Task ReadOnlyCallsInterleaveWithEachOther()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("readers");
        var seen = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => grain.ReadSlow(300)));
        Assert.True(seen.Max() > 1, "read-only requests should have overlapped in time");
    }

    [Fact]
    public async Task AlwaysInterleaveRunsWhileARequestIsInProgress()
    {
        var grain = _silo.Grains.GetGrain<ITurnGrain>("peek");
        var slow = grain.Enter(200_000);
        int inside;
        do
        {
            inside = await grain.Peek();
        }
        while (inside == 0 && !slow.IsCompleted);

        Assert.Equal(1, inside);
        await slow;
    }
}
