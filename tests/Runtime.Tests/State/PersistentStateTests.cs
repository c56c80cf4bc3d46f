using Marketplace.Runtime.Hosting;
using Marketplace.Runtime.Storage;
using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.State;

public sealed class PersistentStateTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mkt-state-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task StateSurvivesASiloRestartOnSqlite()
    {
        var key = "restart-" + Guid.NewGuid();
        await using (var first = await StartSqliteSilo())
        {
            var grain = first.Grains.GetGrain<IProfileGrain>(key);
            Assert.False((await grain.GetRecordInfo()).Exists);
            await grain.SetName("ada");
            await grain.SetName("ada lovelace");
            await grain.SetFriend(first.Grains.GetGrain<IProfileGrain>("friend"));
            Assert.Equal(5, await first.Grains.GetGrain<ITallyGrain>(1).Increment() + 4);
        }

        await using var second = await StartSqliteSilo();
        var again = second.Grains.GetGrain<IProfileGrain>(key);
        Assert.Equal("ada lovelace", await again.GetName());
        Assert.Equal(["ada", "ada lovelace"], await again.GetHistory());
        var (exists, etag) = await again.GetRecordInfo();
        Assert.True(exists);
        Assert.NotNull(etag);
        var friend = await again.GetFriend();
        Assert.Equal(new GrainId("profile", "friend"), friend!.GetGrainId());
        Assert.Equal(string.Empty, await friend!.GetName());
        Assert.Equal(2, await second.Grains.GetGrain<ITallyGrain>(1).Increment());
    }

    [Fact]
    public async Task StaleETagWriteIsRejected()
    {
        // Two silos on one database each host an activation of the same grain (a split-brain duplicate):
        // the one that read first and writes last holds a stale ETag and must be rejected.
        await using var a = await StartSqliteSilo();
        await using var b = await StartSqliteSilo();
        var key = "stale-" + Guid.NewGuid();
        await a.Grains.GetGrain<IProfileGrain>(key).SetName("from a");
        await b.Grains.GetGrain<IProfileGrain>(key).SetName("from b");
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => a.Grains.GetGrain<IProfileGrain>(key).SetName("stale a"));
        Assert.NotNull(error.Message);
        Assert.Equal("from b", await b.Grains.GetGrain<IProfileGrain>(key).GetName());
    }

    [Fact]
    public async Task ClearRemovesStateAndNextActivationStartsEmpty()
    {
        await using var silo = await TestSilo.StartAsync(s => s.Services.AddMemoryGrainStorage("Default").AddMemoryGrainStorage("tally-store"));
        var grain = silo.Grains.GetGrain<IProfileGrain>("clear");
        await grain.SetName("x");
        await grain.Clear();
        Assert.Equal(string.Empty, await grain.GetName());
        await grain.Deactivate();
        await Task.Delay(100);
        Assert.Equal(string.Empty, await grain.GetName());
    }

    [Fact]
    public async Task MissingStorageFailsActivationWithAClearError()
    {
        await using var silo = await TestSilo.StartAsync();
        var error = await Assert.ThrowsAsync<GrainRuntimeException>(() => silo.Grains.GetGrain<IProfileGrain>("nostore").GetName());
        Assert.Contains("No grain storage named 'Default'", error.Message, StringComparison.Ordinal);
    }

    private Task<TestSilo> StartSqliteSilo()
    {
        var connection = $"Data Source={Path.Combine(_folder, "state.db")}";
        return TestSilo.StartAsync(s =>
        {
            s.Services.AddAdoNetGrainStorage("Default", o => o.ConnectionString = connection);
            s.Services.AddAdoNetGrainStorage("tally-store", o => o.ConnectionString = connection);
        });
    }
}
