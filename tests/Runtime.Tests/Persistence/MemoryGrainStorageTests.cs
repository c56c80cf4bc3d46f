using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Storage;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Persistence;

public sealed class MemoryGrainStorageTests(ITestOutputHelper output) : GrainStorageBehaviours(output)
{
    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(GrainStorageBehaviours))]
    public Task Behaviour(string name) => RunBehaviourAsync(name);

    [Fact]
    public async Task MutatingStateAfterWriteDoesNotChangeStoredState()
    {
        var storage = new MemoryGrainStorage("mem", Serializer);
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("stored", 1) };
        await storage.WriteStateAsync("s", grain, state);
        state.State.Name = "mutated";

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("s", grain, read);
        Assert.Equal("stored", read.State.Name);
    }

    protected override Task<IGrainStorage> CreateStorageAsync() =>
        Task.FromResult<IGrainStorage>(new MemoryGrainStorage("mem", Serializer));
}
