using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Catalog;

public sealed class LifecycleTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task FailedActivationFailsEveryQueuedCallWithItsException()
    {
        var grain = _silo.Grains.GetGrain<IFailingActivationGrain>("fail-" + Guid.NewGuid());
        var calls = Enumerable.Range(0, 10).Select(grain.Call).ToArray();
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => call);
            Assert.StartsWith("activation failed for fail-", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CallAfterFailedActivationTriesAgain()
    {
        var key = "fail-again-" + Guid.NewGuid();
        var before = Volatile.Read(ref FailingActivationGrain.Attempts);
        await Assert.ThrowsAsync<ArgumentException>(() => _silo.Grains.GetGrain<IFailingActivationGrain>(key).Call(1));
        await Assert.ThrowsAsync<ArgumentException>(() => _silo.Grains.GetGrain<IFailingActivationGrain>(key).Call(2));
        Assert.Equal(2, Volatile.Read(ref FailingActivationGrain.Attempts) - before);
    }

    [Fact]
    public async Task MessagesQueueWhileActivating()
    {
        var grain = _silo.Grains.GetGrain<IFailingActivationGrain>("ok-" + Guid.NewGuid());
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(grain.Call));
        Assert.Equal(Enumerable.Range(0, 20), results);
    }

    [Fact]
    public async Task DeactivateOnIdleRunsOnDeactivateAndNextCallCreatesANewActivation()
    {
        var key = "deact-" + Guid.NewGuid();
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>(key);
        var first = await grain.Identity();
        await grain.Deactivate();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!BehaviourGrain.Deactivations.Contains($"{key}:{DeactivationReasonCode.ApplicationRequested}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Contains($"{key}:{DeactivationReasonCode.ApplicationRequested}", BehaviourGrain.Deactivations);
        Assert.NotEqual(first, await grain.Identity());
    }

    [Fact]
    public async Task StatelessWorkerUsesSeveralLocalActivationsUpToItsMaximum()
    {
        var worker = _silo.Grains.GetGrain<IWorkerGrain>(1);
        var ids = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => worker.Work(100)));
        var distinct = ids.Distinct().Count();
        Assert.InRange(distinct, 2, 3);
    }

    [Fact]
    public async Task IdleActivationsAreCollectedAfterTheConfiguredAge()
    {
        await using var silo = await TestSilo.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Marketplace:GrainCollection:CollectionAge"] = "00:00:00.300",
            ["Marketplace:GrainCollection:CollectionQuantum"] = "00:00:00.100",
        });
        var key = "idle-" + Guid.NewGuid();
        var grain = silo.Grains.GetGrain<IBehaviourGrain>(key);
        var first = await grain.Identity();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!BehaviourGrain.Deactivations.Contains($"{key}:{DeactivationReasonCode.ActivationIdle}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains($"{key}:{DeactivationReasonCode.ActivationIdle}", BehaviourGrain.Deactivations);
        Assert.NotEqual(first, await grain.Identity());
    }

    [Fact]
    public async Task ShutdownDeactivatesActivations()
    {
        var silo = await TestSilo.StartAsync();
        var key = "shutdown-" + Guid.NewGuid();
        await silo.Grains.GetGrain<IBehaviourGrain>(key).Identity();
        await silo.DisposeAsync();
        Assert.Contains($"{key}:{DeactivationReasonCode.ShuttingDown}", BehaviourGrain.Deactivations);
    }
}
