using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Persistence;

public sealed class SqliteGrainStorageTests : GrainStorageBehaviours, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mkt-storage-" + Guid.NewGuid().ToString("N"));
    private readonly List<AdoNetGrainStorage> _storages = [];

    public SqliteGrainStorageTests(ITestOutputHelper output)
        : base(output)
    {
    }

    private string DatabaseFile => Path.Combine(_folder, "nested", "grains.db");

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(GrainStorageBehaviours))]
    public Task Behaviour(string name) => RunBehaviourAsync(name);

    [Fact]
    public async Task StateSurvivesReopeningTheFile()
    {
        var grain = NewGrain();
        var first = Create();
        var state = new TestGrainState<SampleState> { State = Sample("durable", 7) };
        await first.WriteStateAsync("profile", grain, state);
        await first.DisposeAsync();

        var second = Create();
        var read = new TestGrainState<SampleState>();
        await second.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal("durable", read.State.Name);
        Assert.Equal(state.ETag, read.ETag);
        read.State.Count = 8;
        await second.WriteStateAsync("profile", grain, read);
    }

    [Fact]
    public async Task ManyConcurrentWritersOnOneFileAllSucceed()
    {
        // Two providers on one file (as storage and a second named storage would be) and 16 writers each doing
        // a read-modify-write loop on its own grain: no SQLITE_BUSY may escape, no update may be lost.
        var storages = new[] { Create(), Create() };
        await storages[0].InitializeAsync();
        const int writers = 16;
        const int writes = 15;
        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            var storage = storages[i % 2];
            var grain = new GrainId("counter", "c" + i);
            var state = new TestGrainState<SampleState>();
            for (var n = 0; n < writes; n++)
            {
                await storage.ReadStateAsync("count", grain, state);
                state.State.Count++;
                await storage.WriteStateAsync("count", grain, state);
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        for (var i = 0; i < writers; i++)
        {
            var read = new TestGrainState<SampleState>();
            await storages[1].ReadStateAsync("count", new GrainId("counter", "c" + i), read);
            Assert.Equal(writes, read.State.Count);
            Assert.Equal(writes.ToString(System.Globalization.CultureInfo.InvariantCulture), read.ETag);
        }
    }

    [Fact]
    public async Task FileUsesWalJournal()
    {
        var storage = Create();
        await storage.InitializeAsync();
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task RowUsesTheDocumentedKeyMapping()
    {
        var storage = Create(serviceId: "svc-mapping");
        var grain = new GrainId("wallet", "alice");
        var state = new TestGrainState<SampleState> { State = Sample("a", 1) };
        await storage.WriteStateAsync("balance", grain, state);
        await storage.WriteStateAsync("balance", grain, state);

        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, " +
            "serviceid, version, length(payloadbinary), modifiedon FROM OrleansStorage";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(unchecked((int)grain.GetUniformHashCode()), reader.GetInt32(0));
        Assert.Equal(0, reader.GetInt64(1));
        Assert.Equal(0, reader.GetInt64(2));
        Assert.Equal(unchecked((int)StableHash.Of("balance")), reader.GetInt32(3));
        Assert.Equal("balance", reader.GetString(4));
        Assert.Equal("wallet/alice", reader.GetString(5));
        Assert.Equal("svc-mapping", reader.GetString(6));
        Assert.Equal(2, reader.GetInt32(7));
        Assert.Equal(Serializer.Serialize(state.State).Length, reader.GetInt32(8));
        Assert.InRange(DateTime.Parse(reader.GetString(9), System.Globalization.CultureInfo.InvariantCulture), DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task ServiceIdsAreIndependent()
    {
        var one = Create(serviceId: "one");
        var two = Create(serviceId: "two");
        var grain = NewGrain();
        await one.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = Sample("one", 1) });
        var read = new TestGrainState<SampleState>();
        await two.ReadStateAsync("s", grain, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public Task DeleteStateOnClearRemovesTheRow() => AdoNetStorageChecks.DeleteStateOnClearRemovesTheRow(Create(deleteStateOnClear: true));

    [Fact]
    public async Task MissingSchemaWithoutCreateSchemaIsATypedError()
    {
        var storage = Create(createSchema: false);
        var grain = NewGrain();
        var error = await Assert.ThrowsAsync<GrainStorageException>(
            () => storage.ReadStateAsync("profile", grain, new TestGrainState<SampleState>()));
        Assert.Equal("sqlite", error.ProviderName);
        Assert.Equal(grain, error.GrainId);
        Assert.Equal("profile", error.StateName);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public void InMemoryDatabaseIsRejected()
    {
        var options = new AdoNetGrainStorageOptions { ConnectionString = "Data Source=:memory:" };
        Assert.Throws<ArgumentException>(() => new AdoNetGrainStorage("sqlite", options, Serializer));
    }

    [Fact]
    public void UnknownInvariantIsRejected()
    {
        var options = new AdoNetGrainStorageOptions { Invariant = "System.Data.SqlClient", ConnectionString = "x" };
        var error = Assert.Throws<ArgumentException>(() => new AdoNetGrainStorage("sql", options, Serializer));
        Assert.Contains("Npgsql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongStateNameIsATypedError()
    {
        var storage = Create();
        var error = await Assert.ThrowsAsync<GrainStorageException>(
            () => storage.WriteStateAsync(new string('s', 513), NewGrain(), new TestGrainState<SampleState>()));
        Assert.Contains("512", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UndeserializablePayloadIsATypedError()
    {
        var storage = Create();
        var grain = NewGrain();
        await storage.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = Sample("text", 1) });
        var error = await Assert.ThrowsAsync<GrainStorageException>(
            () => storage.ReadStateAsync("s", grain, new TestGrainState<List<int>>()));
        Assert.IsType<System.Text.Json.JsonException>(error.InnerException);
    }

    public void Dispose()
    {
        foreach (var storage in _storages)
        {
            storage.Dispose();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(Create());

    private AdoNetGrainStorage Create(string serviceId = "tests", bool deleteStateOnClear = false, bool createSchema = true)
    {
        var storage = new AdoNetGrainStorage(
            "sqlite",
            new AdoNetGrainStorageOptions
            {
                Invariant = AdoNetInvariants.Sqlite,
                ConnectionString = $"Data Source={DatabaseFile}",
                ServiceId = serviceId,
                DeleteStateOnClear = deleteStateOnClear,
                CreateSchema = createSchema,
            },
            Serializer);
        _storages.Add(storage);
        return storage;
    }
}
