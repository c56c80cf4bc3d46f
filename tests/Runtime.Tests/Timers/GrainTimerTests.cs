using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Timers;

public sealed class GrainTimerTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task TicksNeverOverlapThemselvesEvenWhenSlowerThanThePeriod()
    {
        var grain = _silo.Grains.GetGrain<ITimerGrain>("slow-ticks");
        await grain.Start(periodMilliseconds: 10, callbackMilliseconds: 60);
        await WaitFor(async () => (await grain.Stats()).Ticks >= 4);
        var stats = await grain.Stats();
        Assert.Equal(1, stats.MaxConcurrent);
    }

    [Fact]
    public async Task NonInterleavingTicksWaitForRunningRequests()
    {
        var grain = _silo.Grains.GetGrain<ITimerGrain>("no-interleave");
        await grain.Start(periodMilliseconds: 5, callbackMilliseconds: 1);
        for (var i = 0; i < 5; i++)
        {
            await grain.Busy(40);
        }

        await WaitFor(async () => (await grain.Stats()).Ticks >= 3);
        Assert.Equal(0, (await grain.Stats()).OverlapsWithRequests);
    }

    [Fact]
    public async Task DisposedAndDeactivatedTimersStopTicking()
    {
        var grain = _silo.Grains.GetGrain<ITimerGrain>("stop");
        await grain.Start(periodMilliseconds: 10, callbackMilliseconds: 1);
        await WaitFor(async () => (await grain.Stats()).Ticks >= 2);
        await grain.Stop();
        var ticks = (await grain.Stats()).Ticks;
        await Task.Delay(150);
        Assert.InRange((await grain.Stats()).Ticks, ticks, ticks + 1);

        var other = _silo.Grains.GetGrain<ITimerGrain>("deactivate");
        await other.Start(periodMilliseconds: 10, callbackMilliseconds: 1);
        await WaitFor(async () => (await other.Stats()).Ticks >= 2);
        await other.Deactivate();
        await Task.Delay(200);
        Assert.False(TimerGrain.TicksAfterDeactivation.ContainsKey("deactivate"));
    }

    private static async Task WaitFor(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
