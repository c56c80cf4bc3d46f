using Marketplace.Runtime.Storage;
using Xunit;

namespace Marketplace.Runtime.Tests.Persistence;

/// <summary>Behaviours specific to the SQL providers, shared by the SQLite and PostgreSQL test classes.</summary>
internal static class AdoNetStorageChecks
{
    public static async Task DeleteStateOnClearRemovesTheRow(IGrainStorage storage)
    {
        var grain = new GrainId("account", Guid.NewGuid().ToString("N"));
        var owner = new TestGrainState<SampleState> { State = new SampleState { Name = "v1" } };
        await storage.WriteStateAsync("s", grain, owner);
        var stale = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("s", grain, stale);
        await storage.WriteStateAsync("s", grain, owner);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("s", grain, stale));
        await storage.ClearStateAsync("s", grain, owner);
        Assert.Null(owner.ETag);
        Assert.False(owner.RecordExists);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("s", grain, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);

        // The row is gone: a writer with an old ETag is still rejected, a writer expecting no record succeeds.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", grain, stale));
        owner.State = new SampleState { Name = "v2" };
        await storage.WriteStateAsync("s", grain, owner);
        Assert.Equal("1", owner.ETag);
    }
}
