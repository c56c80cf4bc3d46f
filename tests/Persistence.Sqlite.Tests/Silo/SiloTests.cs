// Real Orleans silos on real SQLite files: the providers as the silo wires them, state and reminders across a silo
// restart on the same file, ETag conflicts reaching the grain's caller, and option validation at start.
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;

namespace Marketplace.Persistence.Sqlite.Tests.Silo;

public sealed class SiloTests : IDisposable
{
    /// <summary>Generous bound for events on a loaded 2-core machine; tests wait on the event, never a fixed sleep.</summary>
    private static readonly TimeSpan EventBound = TimeSpan.FromMinutes(2);

    private readonly TempFolder _folder = new();

    private string DatabaseFile => _folder.File("silo.db");

    [Fact]
    public async Task ProvidersAreRegisteredAsOrleansResolvesThem()
    {
        await using var silo = await SqliteSilo.StartAsync(DatabaseFile);
        Assert.IsType<SqliteGrainStorage>(silo.Services.GetRequiredKeyedService<IGrainStorage>("sqlite"));
        Assert.IsType<SqliteGrainStorage>(silo.Services.GetRequiredKeyedService<IGrainStorage>("Default"));
        Assert.IsType<SqliteGrainStorage>(silo.Services.GetRequiredService<IGrainStorage>());
        Assert.IsType<SqliteReminderTable>(silo.Services.GetRequiredService<IReminderTable>());

        // The default storage serves grains whose state names no storage, with Orleans' default serializer.
        var eTag = await silo.Grains.GetGrain<IDefaultStorageGrain>(1).WriteAsync("default");
        Assert.Equal("1", eTag);
    }

    [Fact]
    public async Task PayloadsUseTheSilosSerializerUnlessOneIsRegisteredUnderTheStorageName()
    {
        await using var silo = await SqliteSilo.StartAsync(DatabaseFile, s => s.Services.AddKeyedSingleton<IGrainStorageSerializer>(
            "sqlite", (sp, _) => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>())));
        var options = silo.Services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>();
        Assert.Same(silo.Services.GetRequiredService<IGrainStorageSerializer>(), options.Get("Default").GrainStorageSerializer);
        Assert.IsType<OrleansGrainStorageSerializer>(options.Get("sqlite").GrainStorageSerializer);

        await silo.Grains.GetGrain<IDefaultStorageGrain>(2).WriteAsync("json");
        await silo.Grains.GetGrain<IProfileGrain>("erin").SetAsync("binary", 1);
        var json = await PayloadAsync("state");
        var binary = await PayloadAsync("profile");
        Assert.Equal((byte)'{', json[0]); // Orleans registers a JSON serializer for grain state by default
        Assert.NotEqual((byte)'{', binary[0]);
        Assert.Contains("json", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateSurvivesASiloRestartOnTheSameFile()
    {
        await using (var first = await SqliteSilo.StartAsync(DatabaseFile))
        {
            var grain = first.Grains.GetGrain<IProfileGrain>("alice");
            var fresh = await grain.GetAsync();
            Assert.False(fresh.RecordExists);
            Assert.Null(fresh.ETag);
            await grain.SetAsync("alice", 5);
            await grain.SetAsync("alice", 6);
            await first.Grains.GetGrain<IProfileGrain>("bob").SetAsync("bob", 1);
            await first.Grains.GetGrain<IProfileGrain>("bob").ClearAsync();
        }

        await using var second = await SqliteSilo.StartAsync(DatabaseFile);
        var alice = await second.Grains.GetGrain<IProfileGrain>("alice").GetAsync();
        Assert.Equal(new ProfileView("alice", 6, true, "2"), alice);
        var bob = await second.Grains.GetGrain<IProfileGrain>("bob").GetAsync();
        Assert.Equal(new ProfileView(string.Empty, 0, false, "2"), bob);
    }

    [Fact]
    public async Task AWriteBehindTheGrainsBackFailsItsNextWriteWithInconsistentState()
    {
        await using var silo = await SqliteSilo.StartAsync(DatabaseFile);
        var grain = silo.Grains.GetGrain<IProfileGrain>("carol");
        await grain.SetAsync("carol", 1);

        // Another writer (a duplicate activation, another silo) moves the row on.
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>("sqlite");
        var grainId = GrainId.Create("profile", "carol");
        var other = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grainId, other);
        Assert.Equal("carol", other.State.Name);
        other.State.Name = "mallory";
        await storage.WriteStateAsync("profile", grainId, other);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.SetAsync("carol", 2));
        Assert.Equal("2", error.StoredEtag);
        Assert.Equal("1", error.CurrentEtag);
    }

    [Fact]
    public async Task AReminderFiresAfterTheSiloIsStoppedAndStartedAgainOnTheSameFile()
    {
        var period = TimeSpan.FromSeconds(2);
        await using (var first = await SqliteSilo.StartAsync(DatabaseFile))
        {
            await first.Grains.GetGrain<IReminderProbeGrain>("probe").StartAsync(TimeSpan.FromSeconds(1), period);
            await first.Signal.FirstTick("probe", "tick").WaitAsync(EventBound);
        }

        // The new silo has never seen the grain: only the row in the file can make it tick.
        await using var second = await SqliteSilo.StartAsync(DatabaseFile);
        await second.Signal.FirstTick("probe", "tick").WaitAsync(EventBound);

        var row = await second.Services.GetRequiredService<IReminderTable>().ReadRow(GrainId.Create("reminderprobe", "probe"), "tick");
        Assert.NotNull(row);
        Assert.Equal(period, row.Period);

        await second.Grains.GetGrain<IReminderProbeGrain>("probe").StopAsync();
        Assert.Null(await second.Services.GetRequiredService<IReminderTable>().ReadRow(GrainId.Create("reminderprobe", "probe"), "tick"));
    }

    [Fact]
    public async Task StreamSubscriptionsInAPubSubStoreOnSqliteSurviveASiloRestart()
    {
        static void Streams(ISiloBuilder silo, string file) => silo
            .AddMemoryStreams(StreamConsumerGrain.Provider)
            .AddSqliteGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o => o.ConnectionString = $"Data Source={file}");

        var streamId = StreamId.Create(StreamConsumerGrain.Namespace, "dave");
        await using (var first = await SqliteSilo.StartAsync(DatabaseFile, s => Streams(s, DatabaseFile)))
        {
            await first.Grains.GetGrain<IStreamConsumerGrain>("dave").SubscribeAsync();
            await Producer(first).OnNextAsync(1);
            await first.Services.GetRequiredService<StreamSignal>().Received("dave", 1).WaitAsync(EventBound);
        }

        Assert.True(await CountRowsAsync("PubSubRendezvousGrain") >= 1, "the subscription is not in the SQLite PubSubStore");

        // The new silo has no activation and no subscription in memory: only the row can route the item.
        await using var second = await SqliteSilo.StartAsync(DatabaseFile, s => Streams(s, DatabaseFile));
        await Producer(second).OnNextAsync(2);
        await second.Services.GetRequiredService<StreamSignal>().Received("dave", 2).WaitAsync(EventBound);

        IAsyncStream<int> Producer(SqliteSilo silo) =>
            silo.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamConsumerGrain.Provider).GetStream<int>(streamId);
    }

    [Fact]
    public async Task AnUnusableFileStopsTheSiloStartWithATypedError()
    {
        // The "file" of storage "broken" is a folder: the schema cannot be applied and the start fails saying why.
        var folder = Path.Combine(_folder.Path, "not-a-file");
        Directory.CreateDirectory(folder);
        var silo = SqliteSilo.Build(DatabaseFile, s => s.AddSqliteGrainStorage("broken", o => o.ConnectionString = $"Data Source={folder}"));
        using var host = silo.Host;
        var error = await Assert.ThrowsAsync<SqliteStorageException>(() => host.StartAsync());
        Assert.Equal("broken", error.ProviderName);
        Assert.Equal("Init", error.Operation);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public async Task AnUnreadableStateReachesTheGrainsCallerAsATypedError()
    {
        await using var silo = await SqliteSilo.StartAsync(DatabaseFile, s => s.AddSqliteGrainStorage("broken", o => o.ConnectionString = $"Data Source={DatabaseFile}"));
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>("broken");
        await storage.WriteStateAsync("state", GrainId.Create("brokenstorage", "frank"), new TestGrainState<OtherState> { State = new OtherState { Value = Guid.NewGuid() } });

        // The row holds an OtherState; the grain reads a SampleState at activation: the call fails with our exception,
        // serialized across the call boundary with its provider name and operation.
        var error = await Assert.ThrowsAsync<SqliteStorageException>(() => silo.Grains.GetGrain<IBrokenStorageGrain>("frank").GetAsync());
        Assert.Equal("broken", error.ProviderName);
        Assert.Equal("Deserialize", error.Operation);
        Assert.Contains("brokenstorage/frank", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidStorageOptionsStopTheStartNamingTheFieldAndValue()
    {
        var error = await StartFailureAsync(s => s.AddSqliteGrainStorage("broken", o => o.ConnectionString = "Data Source=:memory:"));
        Assert.Contains(
            "SQLite grain storage 'broken': SqliteGrainStorageOptions.ConnectionString 'Data Source=:memory:' names an in-memory database",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidReminderOptionsStopTheStartNamingTheFieldAndValue()
    {
        var error = await StartFailureAsync(s => s.UseSqliteReminderService(o =>
        {
            o.ConnectionString = $"Data Source={DatabaseFile}";
            o.BusyTimeout = TimeSpan.FromSeconds(-3);
        }));
        Assert.Contains("SqliteReminderTableOptions.BusyTimeout -00:00:03 is negative", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private async Task<byte[]> PayloadAsync(string stateName)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payloadbinary FROM OrleansStorage WHERE graintypestring = @name";
        command.Parameters.AddWithValue("@name", stateName);
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> CountRowsAsync(string stateName)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM OrleansStorage WHERE graintypestring = @name AND payloadbinary IS NOT NULL";
        command.Parameters.AddWithValue("@name", stateName);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <remarks>
    /// The silo builds its lifecycle participants (the providers among them) before the host runs the start-up
    /// validators, so the first invalid options surface when a provider is built: one failure, not a list.
    /// </remarks>
    private async Task<OptionsValidationException> StartFailureAsync(Action<ISiloBuilder> configure)
    {
        var silo = SqliteSilo.Build(DatabaseFile, configure);
        using var host = silo.Host;
        return await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
