using System.Collections.Concurrent;
using Marketplace.Runtime.Hosting;
using Xunit;

namespace Marketplace.Runtime.Tests.Messaging;

public interface IFilteredGrain : IGrainWithStringKey
{
    Task<int> Double(int value);
}

public sealed class FilteredGrain : Grain, IFilteredGrain, IIncomingGrainCallFilter
{
    public Task<int> Double(int value) => Task.FromResult(value * 2);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        context.Result = (int)context.Result! + 1;
    }
}

public sealed class RecordingFilters : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    public ConcurrentQueue<string> Seen { get; } = new();

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        Seen.Enqueue($"in:{context.MethodName}:{context.Request.GetArgument(0)}:{context.Grain.GetType().Name}");
        await context.Invoke();
        Seen.Enqueue($"in-result:{context.Result}");
    }

    async Task IOutgoingGrainCallFilter.Invoke(IOutgoingGrainCallContext context)
    {
        Seen.Enqueue($"out:{context.InterfaceName}/{context.MethodName}:{context.TargetId}");
        await context.Invoke();
        Seen.Enqueue($"out-result:{context.Result}");
    }
}

public sealed class CallFilterTests
{
    [Fact]
    public async Task SiloFiltersThenGrainFilterWrapTheCall()
    {
        var filters = new RecordingFilters();
        await using var silo = await TestSilo.StartAsync(s => s.AddIncomingGrainCallFilter(filters).AddOutgoingGrainCallFilter(filters));
        var result = await silo.Grains.GetGrain<IFilteredGrain>("f").Double(20);
        Assert.Equal(41, result);
        Assert.Equal(
            [
                "out:Marketplace.Runtime.Tests.Messaging.IFilteredGrain/Double:filtered/f",
                "in:Double:20:FilteredGrain",
                "in-result:41",
                "out-result:41",
            ],
            filters.Seen.ToArray());
    }
}
