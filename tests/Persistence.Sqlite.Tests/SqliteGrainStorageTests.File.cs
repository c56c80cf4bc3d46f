using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite.Tests;

public sealed partial class SqliteGrainStorageTests
{
    [Fact]
    public async Task StateSurvivesReopeningTheFile()
    {
        var grain = NewGrain();
        var first = Create();
        var state = new TestGrainState<SampleState> { State = Sample("durable", 7) };
        await first.WriteStateAsync("profile", grain, state);
        first.Dispose();

        var second = Create();
        var read = new TestGrainState<SampleState>();
        await second.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal("durable", read.State.Name);
        Assert.Equal(state.ETag, read.ETag);
        read.State.Count = 8;
        await second.WriteStateAsync("profile", grain, read);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task ConcurrentStartsOnOneFileShareTheSchema()
    {
        // Four storages and a reminder table on one fresh file initialise at once, then all work.
        var storages = Enumerable.Range(0, 4).Select(i => Create(serviceId: "svc" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        using var reminders = Providers.Reminders(DatabaseFile, "svc");
        await Task.WhenAll(storages.Select(s => Task.Run(() => s.InitializeAsync(CancellationToken.None))).Append(Task.Run(() => reminders.StartAsync())));
        var grain = NewGrain();
        foreach (var storage in storages)
        {
            await storage.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = Sample("x", 1) });
        }

        Assert.Equal(4, await CountRowsAsync());
        Assert.Empty((await reminders.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task FileUsesWalJournal()
    {
        var storage = Create();
        await storage.InitializeAsync(CancellationToken.None);
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
        var grain = GrainId.Create("wallet", "alice");
        var state = new TestGrainState<SampleState> { State = Sample("a", 1) };
        await storage.WriteStateAsync("balance", grain, state);
        await storage.WriteStateAsync("balance", grain, state);

        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, " +
            "serviceid, version, payloadbinary, modifiedon FROM OrleansStorage";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(unchecked((int)grain.GetUniformHashCode()), reader.GetInt32(0));
        Assert.Equal(0, reader.GetInt64(1));
        Assert.Equal(0, reader.GetInt64(2));
        Assert.Equal(unchecked((int)StableHash.ComputeHash("balance")), reader.GetInt32(3));
        Assert.Equal("balance", reader.GetString(4));
        Assert.Equal("wallet/alice", reader.GetString(5));
        Assert.Equal("svc-mapping", reader.GetString(6));
        Assert.Equal(2, reader.GetInt32(7));
        Assert.Equal(Providers.Serializer.Serialize(state.State).ToArray(), reader.GetFieldValue<byte[]>(8));
        var modified = DateTime.Parse(reader.GetString(9), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(modified, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task ServiceIdsAreIndependentAndDefaultToTheCluster()
    {
        var one = Create(serviceId: "one");
        var two = Create(serviceId: "two");
        var cluster = Create(serviceId: null);
        var grain = NewGrain();
        await one.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = Sample("one", 1) });
        var read = new TestGrainState<SampleState>();
        await two.ReadStateAsync("s", grain, read);
        Assert.False(read.RecordExists);

        await cluster.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = Sample("cluster", 1) });
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT serviceid FROM OrleansStorage ORDER BY serviceid";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        Assert.Equal(["cluster-service", "one"], ids);
    }

    [Fact]
    public async Task UndeserializablePayloadIsATypedError()
    {
        var storage = Create();
        var grain = NewGrain();
        await storage.WriteStateAsync("s", grain, new TestGrainState<SampleState> { State = Sample("text", 1) });
        var error = await Assert.ThrowsAsync<SqliteStorageException>(
            () => storage.ReadStateAsync("s", grain, new TestGrainState<OtherState>()));
        Assert.Equal("sqlite", error.ProviderName);
        Assert.Equal("Deserialize", error.Operation);
        Assert.Contains(grain.ToString(), error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task UnusableFileIsATypedError()
    {
        // The "file" is a folder: SQLite cannot open it, every operation fails with the provider and operation named.
        Directory.CreateDirectory(DatabaseFile);
        var storage = Create();
        var error = await Assert.ThrowsAsync<SqliteStorageException>(
            () => storage.WriteStateAsync("profile", NewGrain(), new TestGrainState<SampleState>()));
        Assert.Equal("sqlite", error.ProviderName);
        Assert.Equal("Init", error.Operation);
        Assert.IsType<SqliteException>(error.InnerException);

        // A failed start is retried by the next operation once the file is usable.
        Directory.Delete(DatabaseFile);
        var state = new TestGrainState<SampleState> { State = Sample("later", 1) };
        await storage.WriteStateAsync("profile", NewGrain(), state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public void InMemoryDatabaseIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteGrainStorage(
            "sqlite",
            new SqliteGrainStorageOptions { ConnectionString = "Data Source=:memory:", GrainStorageSerializer = Providers.Serializer },
            "svc",
            Providers.Activators,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteGrainStorage>.Instance));
        Assert.Contains("in-memory", error.Message, StringComparison.Ordinal);
    }
}
