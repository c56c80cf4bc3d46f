using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Scheduling;

public sealed class CallCycleTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task DisallowedCycleFailsAtOnceNamingTheCycle()
    {
        var a = _silo.Grains.GetGrain<ICycleGrain>(1);
        var b = _silo.Grains.GetGrain<ICycleGrain>(2);
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<DeadlockException>(() => a.Start(b, allowChain: false));
        Assert.Contains("cycle/1 -> cycle/2 -> cycle/1", error.Message, StringComparison.Ordinal);
        Assert.Equal(["cycle/1", "cycle/2", "cycle/1"], error.CallChain.Select(g => g.ToString()));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "a deadlock must not wait for the response timeout");
    }

    [Fact]
    public async Task CallChainReentrancyAllowsTheCycle()
    {
        var a = _silo.Grains.GetGrain<ICycleGrain>(3);
        var b = _silo.Grains.GetGrain<ICycleGrain>(4);
        Assert.Equal("pong from 3", await a.Start(b, allowChain: true));
    }

    [Fact]
    public async Task AlwaysInterleaveMethodMayReenter()
    {
        var a = _silo.Grains.GetGrain<ICycleGrain>(5);
        var b = _silo.Grains.GetGrain<ICycleGrain>(6);
        Assert.Equal("interleaved pong from 5", await b.BounceInterleaved(a));
        Assert.Equal("interleaved pong from 5", await _silo.Grains.GetGrain<ICycleGrain>(7).BounceInterleaved(a));
    }

    [Fact]
    public async Task ReentrantGrainMayBeReentered()
    {
        var grain = _silo.Grains.GetGrain<IReentrantCycleGrain>(8);
        Assert.Equal("reentrant pong", await grain.Start());
    }

    [Fact]
    public async Task ReentrancyScopeDoesNotLeakAfterDispose()
    {
        using (RequestContext.AllowCallChainReentrancy())
        {
            Assert.True(RequestContext.IsCallChainReentrancyAllowed);
        }

        Assert.False(RequestContext.IsCallChainReentrancyAllowed);
        var a = _silo.Grains.GetGrain<ICycleGrain>(9);
        await Assert.ThrowsAsync<DeadlockException>(() => a.Start(_silo.Grains.GetGrain<ICycleGrain>(10), allowChain: false));
    }
}
