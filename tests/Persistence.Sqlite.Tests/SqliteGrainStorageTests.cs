// The IGrainStorage contract (after Orleans' Persistence TestKit) against real SQLite files in temp folders, plus
// the SQLite specifics: reopening the file, WAL, the documented row layout, concurrent writers, typed errors.
using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Marketplace.Persistence.Sqlite.Tests;

public sealed partial class SqliteGrainStorageTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteGrainStorage> _storages = [];
    private readonly ITestOutputHelper _output;

    public SqliteGrainStorageTests(ITestOutputHelper output) => _output = output;

    private string DatabaseFile => _folder.File();

    [Fact]
    public async Task ReadOfMissingStateLeavesNoETagAndNoRecord()
    {
        var storage = Create();
        var state = new TestGrainState<SampleState> { ETag = "leftover", RecordExists = true };
        state.State.Name = "leftover";
        await storage.ReadStateAsync("profile", NewGrain(), state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(string.Empty, state.State.Name); // a fresh instance, as Orleans' AdoNet provider gives
    }

    [Fact]
    public async Task WriteThenReadRoundTrip()
    {
        var storage = Create();
        var grain = NewGrain();
        var written = new TestGrainState<SampleState> { State = Sample("alice", 42) };
        written.State.Blob = [1, 2, 3, 0, 255];
        await storage.WriteStateAsync("profile", grain, written);
        Assert.True(written.RecordExists);
        Assert.Equal("1", written.ETag);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("alice", read.State.Name);
        Assert.Equal(42, read.State.Count);
        Assert.Equal(["alice", "x"], read.State.Items);
        Assert.Equal(new byte[] { 1, 2, 3, 0, 255 }, read.State.Blob);
    }

    [Fact]
    public async Task ETagChangesOnEveryWrite()
    {
        var storage = Create();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("same", 1) };
        var seen = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            await storage.WriteStateAsync("profile", grain, state);
            Assert.True(seen.Add(state.ETag!), $"ETag {state.ETag} repeated on write {i}");
        }

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task StaleETagWriteIsRejected()
    {
        var storage = Create();
        var grain = NewGrain();
        var first = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, first);
        var stale = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, stale);
        first.State = Sample("v2", 2);
        await storage.WriteStateAsync("profile", grain, first);

        stale.State = Sample("lost", 3);
        var staleETag = stale.ETag;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, stale));
        Assert.Equal(first.ETag, error.StoredEtag);
        Assert.Equal(staleETag, error.CurrentEtag);
        Assert.Equal(staleETag, stale.ETag);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.Equal("v2", read.State.Name);
    }

    [Fact]
    public async Task MissingETagWriteOverExistingRecordIsRejected()
    {
        var storage = Create();
        var grain = NewGrain();
        var first = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, first);

        var blind = new TestGrainState<SampleState> { State = Sample("blind", 9) };
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, blind));
        Assert.Equal(first.ETag, error.StoredEtag);
        Assert.Null(error.CurrentEtag);
        Assert.False(blind.RecordExists);
    }

    [Fact]
    public async Task UnknownETagWriteIsRejected()
    {
        var storage = Create();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, state);
        var stored = state.ETag;
        state.ETag = "not-a-version";
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, state));
        Assert.Equal(stored, error.StoredEtag);
        Assert.Equal("not-a-version", error.CurrentEtag);

        // Same number, different text: not an ETag this storage issued.
        state.ETag = "0" + stored;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, state));
    }

    [Fact]
    public async Task ClearKeepsTheRowWithANewVersion()
    {
        var storage = Create();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("gone soon", 5) };
        await storage.WriteStateAsync("profile", grain, state);
        Assert.Equal("1", state.ETag);
        await storage.ClearStateAsync("profile", grain, state);
        Assert.False(state.RecordExists);
        Assert.Equal("2", state.ETag);
        Assert.Equal(string.Empty, state.State.Name);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(string.Empty, read.State.Name);
    }

    [Fact]
    public async Task ClearWithStaleOrMissingETagIsRejected()
    {
        var storage = Create();
        var grain = NewGrain();
        var owner = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, owner);
        var stale = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, stale);
        await storage.WriteStateAsync("profile", grain, owner);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("profile", grain, stale));
        Assert.Equal(owner.ETag, error.StoredEtag);

        var blind = new TestGrainState<SampleState>();
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("profile", grain, blind));

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal("v1", read.State.Name);
    }

    [Fact]
    public async Task ClearOfMissingRecordWithNullETagSucceeds()
    {
        var storage = Create();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState>();
        await storage.ClearStateAsync("profile", grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);

        state.ETag = "7";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("profile", grain, state));
    }

    [Fact]
    public async Task WriteAfterClearContinuesTheVersion()
    {
        var storage = Create();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, state);
        var beforeClear = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, beforeClear);
        await storage.ClearStateAsync("profile", grain, state);
        state.State = Sample("v2", 2);
        await storage.WriteStateAsync("profile", grain, state);
        Assert.True(state.RecordExists);
        Assert.Equal("3", state.ETag);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal("v2", read.State.Name);
        Assert.Equal(state.ETag, read.ETag);

        // A writer holding the ETag from before the clear is still rejected: the row and its version stayed.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, beforeClear));
    }

    [Fact]
    public async Task DeleteStateOnClearRemovesTheRow()
    {
        var storage = Create(deleteStateOnClear: true);
        var grain = NewGrain();
        var owner = new TestGrainState<SampleState> { State = Sample("v1", 1) };
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
        Assert.Equal(0L, await CountRowsAsync());

        // The row is gone: a writer with an old ETag is still rejected, a writer expecting no record succeeds.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", grain, stale));
        owner.State = Sample("v2", 2);
        await storage.WriteStateAsync("s", grain, owner);
        Assert.Equal("1", owner.ETag);
    }

    [Fact]
    public async Task StateNamesAreIndependent()
    {
        var storage = Create();
        var grain = NewGrain();
        var a = new TestGrainState<SampleState> { State = Sample("a", 1) };
        var b = new TestGrainState<SampleState> { State = Sample("b", 2) };
        await storage.WriteStateAsync("first", grain, a);
        await storage.WriteStateAsync("second", grain, b);
        await storage.WriteStateAsync("second", grain, b);
        await storage.ClearStateAsync("first", grain, a);

        var readA = new TestGrainState<SampleState>();
        var readB = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("first", grain, readA);
        await storage.ReadStateAsync("second", grain, readB);
        Assert.False(readA.RecordExists);
        Assert.True(readB.RecordExists);
        Assert.Equal("b", readB.State.Name);
        Assert.Equal(b.ETag, readB.ETag);
    }

    [Fact]
    public async Task GrainTypesWithTheSameKeyAreIndependent()
    {
        var storage = Create();
        var key = Guid.NewGuid().ToString("N");
        var wallet = new TestGrainState<SampleState> { State = Sample("wallet", 1) };
        var order = new TestGrainState<SampleState> { State = Sample("order", 2) };
        await storage.WriteStateAsync("state", GrainId.Create("wallet", key), wallet);
        await storage.WriteStateAsync("state", GrainId.Create("order", key), order);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("state", GrainId.Create("wallet", key), read);
        Assert.Equal("wallet", read.State.Name);
        await storage.ReadStateAsync("state", GrainId.Create("order", key), read);
        Assert.Equal("order", read.State.Name);
        await storage.ReadStateAsync("state", GrainId.Create("other", key), read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task ManyGrainsAndStateNamesKeepTheirOwnRows()
    {
        var storage = Create();
        const int grains = 40;
        string[] names = ["profile", "balance", "orders"];
        var writes = new List<Task>();
        for (var g = 0; g < grains; g++)
        {
            foreach (var name in names)
            {
                var grain = GrainId.Create("many", g.ToString(CultureInfo.InvariantCulture));
                writes.Add(storage.WriteStateAsync(name, grain, new TestGrainState<SampleState> { State = Sample($"{name}-{g}", g) }));
            }
        }

        await Task.WhenAll(writes);
        Assert.Equal(grains * names.Length, await CountRowsAsync());
        for (var g = 0; g < grains; g++)
        {
            foreach (var name in names)
            {
                var read = new TestGrainState<SampleState>();
                await storage.ReadStateAsync(name, GrainId.Create("many", g.ToString(CultureInfo.InvariantCulture)), read);
                Assert.Equal($"{name}-{g}", read.State.Name);
                Assert.Equal("1", read.ETag);
            }
        }
    }

    [Fact]
    public async Task CollidingGrainHashesStaySeparate()
    {
        var (first, second) = CollidingIds.GrainPair;
        Assert.NotEqual(first, second);
        Assert.Equal(first.GetUniformHashCode(), second.GetUniformHashCode());
        _output.WriteLine($"colliding grains: {first} and {second} (hash {first.GetUniformHashCode():x8})");

        var storage = Create();
        var a = new TestGrainState<SampleState> { State = Sample("first", 1) };
        await storage.WriteStateAsync("collide", first, a);
        var probe = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("collide", second, probe);
        Assert.False(probe.RecordExists);

        var b = new TestGrainState<SampleState> { State = Sample("second", 2) };
        await storage.WriteStateAsync("collide", second, b);
        await storage.WriteStateAsync("collide", second, b);
        await storage.ClearStateAsync("collide", first, a);

        var readFirst = new TestGrainState<SampleState>();
        var readSecond = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("collide", first, readFirst);
        await storage.ReadStateAsync("collide", second, readSecond);
        Assert.False(readFirst.RecordExists);
        Assert.True(readSecond.RecordExists);
        Assert.Equal("second", readSecond.State.Name);
    }

    [Fact]
    public async Task CollidingStateNameHashesStaySeparate()
    {
        var (first, second) = CollidingIds.StateNamePair;
        Assert.Equal(StableHash.ComputeHash(first), StableHash.ComputeHash(second));
        _output.WriteLine($"colliding state names: {first} and {second}");

        var storage = Create();
        var grain = NewGrain();
        await storage.WriteStateAsync(first, grain, new TestGrainState<SampleState> { State = Sample("first", 1) });
        await storage.WriteStateAsync(second, grain, new TestGrainState<SampleState> { State = Sample("second", 2) });

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync(first, grain, read);
        Assert.Equal("first", read.State.Name);
        await storage.ReadStateAsync(second, grain, read);
        Assert.Equal("second", read.State.Name);
    }

    [Fact]
    public async Task UnusualKeysRoundTrip()
    {
        var storage = Create();
        string[] keys = ["Заказ-№1 ✓", "with/slash+ext", "quote'\"; DROP TABLE OrleansStorage; --", "emoji 🚀"];
        foreach (var key in keys)
        {
            var grain = GrainId.Create("тип", key + Guid.NewGuid().ToString("N"));
            var state = new TestGrainState<SampleState> { State = Sample(key, key.Length) };
            await storage.WriteStateAsync("состояние", grain, state);
            var read = new TestGrainState<SampleState>();
            await storage.ReadStateAsync("состояние", grain, read);
            Assert.True(read.RecordExists, key);
            Assert.Equal(key, read.State.Name);
        }
    }

    [Fact]
    public async Task LargePayloadRoundTrip()
    {
        const int seed = 7100;
        var random = new Random(seed);
        var blob = new byte[(3 * 1024 * 1024) + 17];
        random.NextBytes(blob);
        var storage = Create();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = new SampleState { Name = "big", Blob = blob } };
        await storage.WriteStateAsync("blob", grain, state);
        state.State.Blob[0] ^= 0xFF;
        await storage.WriteStateAsync("blob", grain, state);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("blob", grain, read);
        Assert.Equal(state.ETag, read.ETag);
        Assert.True(blob.AsSpan().SequenceEqual(read.State.Blob), "large payload changed in storage");
    }

    public void Dispose()
    {
        foreach (var storage in _storages)
        {
            storage.Dispose();
        }

        _folder.Dispose();
    }

    private static GrainId NewGrain(string type = "account") => GrainId.Create(type, Guid.NewGuid().ToString("N"));

    private static SampleState Sample(string name, int count) => new() { Name = name, Count = count, Items = [name, "x"] };

    private SqliteGrainStorage Create(string? serviceId = "tests", bool deleteStateOnClear = false, IGrainStorageSerializer? serializer = null)
    {
        var storage = Providers.Storage(DatabaseFile, serviceId: serviceId, deleteStateOnClear: deleteStateOnClear, serializer: serializer);
        _storages.Add(storage);
        return storage;
    }

    private async Task<long> CountRowsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM OrleansStorage";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
