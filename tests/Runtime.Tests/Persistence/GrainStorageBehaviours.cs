// The provider conformance suite (after Orleans' Persistence TestKit): every IGrainStorage implementation runs the
// same behaviours through a theory over their names; each provider's test class only says how to make a storage.
using Marketplace.Runtime.Persistence;
using Marketplace.Runtime.Storage;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Runtime.Tests.Persistence;

public abstract partial class GrainStorageBehaviours
{
    private static readonly Dictionary<string, Func<GrainStorageBehaviours, Task>> Behaviours = new()
    {
        ["ReadOfMissingState"] = b => b.ReadOfMissingState(),
        ["WriteThenReadRoundTrip"] = b => b.WriteThenReadRoundTrip(),
        ["ETagChangesOnEveryWrite"] = b => b.ETagChangesOnEveryWrite(),
        ["StaleETagWriteIsRejected"] = b => b.StaleETagWriteIsRejected(),
        ["NullETagWriteOverExistingRecordIsRejected"] = b => b.NullETagWriteOverExistingRecordIsRejected(),
        ["UnknownETagWriteIsRejected"] = b => b.UnknownETagWriteIsRejected(),
        ["ClearThenRead"] = b => b.ClearThenRead(),
        ["ClearWithStaleETagIsRejected"] = b => b.ClearWithStaleETagIsRejected(),
        ["ClearOfMissingRecordWithNullETag"] = b => b.ClearOfMissingRecordWithNullETag(),
        ["WriteAfterClear"] = b => b.WriteAfterClear(),
        ["StateNamesAreIndependent"] = b => b.StateNamesAreIndependent(),
        ["GrainTypesAreIndependent"] = b => b.GrainTypesAreIndependent(),
        ["CollidingGrainHashesStaySeparate"] = b => b.CollidingGrainHashesStaySeparate(),
        ["CollidingStateNameHashesStaySeparate"] = b => b.CollidingStateNameHashesStaySeparate(),
        ["UnusualKeysRoundTrip"] = b => b.UnusualKeysRoundTrip(),
        ["ConcurrentInsertsExactlyOneWins"] = b => b.ConcurrentInsertsExactlyOneWins(),
        ["ConcurrentUpdatesExactlyOneWins"] = b => b.ConcurrentUpdatesExactlyOneWins(),
        ["LargePayloadRoundTrip"] = b => b.LargePayloadRoundTrip(),
        ["RandomOperationsMatchTheModel"] = b => b.RandomOperationsMatchTheModel(),
    };

    protected GrainStorageBehaviours(ITestOutputHelper output) => Output = output;

    public static TheoryData<string> Cases => new(Behaviours.Keys);

    protected ITestOutputHelper Output { get; }

    protected static IGrainStorageSerializer Serializer { get; } = new JsonGrainStorageSerializer();

    /// <summary>A fresh storage, isolated from other tests (own file or own service id).</summary>
    protected abstract Task<IGrainStorage> CreateStorageAsync();

    protected Task RunBehaviourAsync(string name) => Behaviours[name](this);

    protected static GrainId NewGrain(string type = "account") => new(type, Guid.NewGuid().ToString("N"));

    protected static SampleState Sample(string name, int count) => new() { Name = name, Count = count, Items = [name, "x"] };

    private async Task ReadOfMissingState()
    {
        var storage = await CreateStorageAsync();
        var state = new TestGrainState<SampleState> { ETag = "leftover", RecordExists = true };
        var before = state.State;
        await storage.ReadStateAsync("profile", NewGrain(), state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Same(before, state.State);
    }

    private async Task WriteThenReadRoundTrip()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var written = new TestGrainState<SampleState> { State = Sample("alice", 42) };
        written.State.Blob = [1, 2, 3, 0, 255];
        await storage.WriteStateAsync("profile", grain, written);
        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("alice", read.State.Name);
        Assert.Equal(42, read.State.Count);
        Assert.Equal(["alice", "x"], read.State.Items);
        Assert.Equal(new byte[] { 1, 2, 3, 0, 255 }, read.State.Blob);
    }

    private async Task ETagChangesOnEveryWrite()
    {
        var storage = await CreateStorageAsync();
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

    private async Task StaleETagWriteIsRejected()
    {
        var storage = await CreateStorageAsync();
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
        Assert.Equal(first.ETag, error.StoredETag);
        Assert.Equal(staleETag, error.CurrentETag);
        Assert.Equal(staleETag, stale.ETag);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.Equal("v2", read.State.Name);
    }

    private async Task NullETagWriteOverExistingRecordIsRejected()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var first = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, first);

        var blind = new TestGrainState<SampleState> { State = Sample("blind", 9) };
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, blind));
        Assert.Equal(first.ETag, error.StoredETag);
        Assert.Null(error.CurrentETag);
        Assert.False(blind.RecordExists);
    }

    private async Task UnknownETagWriteIsRejected()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, state);
        var stored = state.ETag;
        state.ETag = "not-a-version";
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, state));
        Assert.Equal(stored, error.StoredETag);
        Assert.Equal("not-a-version", error.CurrentETag);

        // Same number, different text: not an ETag this storage issued.
        state.ETag = "0" + stored;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grain, state));
    }

    private async Task ClearThenRead()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("gone soon", 5) };
        await storage.WriteStateAsync("profile", grain, state);
        var written = state.ETag;
        await storage.ClearStateAsync("profile", grain, state);
        Assert.False(state.RecordExists);
        Assert.NotEqual(written, state.ETag);
        Assert.NotNull(state.State);

        var read = new TestGrainState<SampleState>();
        var fresh = read.State;
        await storage.ReadStateAsync("profile", grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Same(fresh, read.State);
        Assert.Equal(string.Empty, read.State.Name);
    }

    private async Task ClearWithStaleETagIsRejected()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var owner = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, owner);
        var stale = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, stale);
        await storage.WriteStateAsync("profile", grain, owner);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("profile", grain, stale));
        Assert.Equal(owner.ETag, error.StoredETag);

        var blind = new TestGrainState<SampleState>();
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("profile", grain, blind));

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal("v1", read.State.Name);
    }

    private async Task ClearOfMissingRecordWithNullETag()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState>();
        await storage.ClearStateAsync("profile", grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);

        state.ETag = "7";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("profile", grain, state));
    }

    private async Task WriteAfterClear()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var state = new TestGrainState<SampleState> { State = Sample("v1", 1) };
        await storage.WriteStateAsync("profile", grain, state);
        await storage.ClearStateAsync("profile", grain, state);
        state.State = Sample("v2", 2);
        await storage.WriteStateAsync("profile", grain, state);
        Assert.True(state.RecordExists);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("profile", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal("v2", read.State.Name);
        Assert.Equal(state.ETag, read.ETag);
    }

    private async Task StateNamesAreIndependent()
    {
        var storage = await CreateStorageAsync();
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

    private async Task GrainTypesAreIndependent()
    {
        var storage = await CreateStorageAsync();
        var key = Guid.NewGuid().ToString("N");
        var wallet = new TestGrainState<SampleState> { State = Sample("wallet", 1) };
        var order = new TestGrainState<SampleState> { State = Sample("order", 2) };
        await storage.WriteStateAsync("state", new GrainId("wallet", key), wallet);
        await storage.WriteStateAsync("state", new GrainId("order", key), order);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("state", new GrainId("wallet", key), read);
        Assert.Equal("wallet", read.State.Name);
        await storage.ReadStateAsync("state", new GrainId("order", key), read);
        Assert.Equal("order", read.State.Name);
        await storage.ReadStateAsync("state", new GrainId("other", key), read);
        Assert.False(read.RecordExists);
    }

    private async Task CollidingGrainHashesStaySeparate()
    {
        var (first, second) = CollidingIds.GrainPair;
        Assert.NotEqual(first, second);
        Assert.Equal(first.GetUniformHashCode(), second.GetUniformHashCode());
        Output.WriteLine($"colliding grains: {first} and {second} (hash {first.GetUniformHashCode():x8})");

        var storage = await CreateStorageAsync();
        var state = "collide-" + Guid.NewGuid().ToString("N");
        var a = new TestGrainState<SampleState> { State = Sample("first", 1) };
        await storage.WriteStateAsync(state, first, a);
        var probe = new TestGrainState<SampleState>();
        await storage.ReadStateAsync(state, second, probe);
        Assert.False(probe.RecordExists);

        var b = new TestGrainState<SampleState> { State = Sample("second", 2) };
        await storage.WriteStateAsync(state, second, b);
        await storage.WriteStateAsync(state, second, b);
        await storage.ClearStateAsync(state, first, a);

        var readFirst = new TestGrainState<SampleState>();
        var readSecond = new TestGrainState<SampleState>();
        await storage.ReadStateAsync(state, first, readFirst);
        await storage.ReadStateAsync(state, second, readSecond);
        Assert.False(readFirst.RecordExists);
        Assert.True(readSecond.RecordExists);
        Assert.Equal("second", readSecond.State.Name);
    }

    private async Task CollidingStateNameHashesStaySeparate()
    {
        var (first, second) = CollidingIds.StateNamePair;
        Assert.Equal(StableHash.Of(first), StableHash.Of(second));
        Output.WriteLine($"colliding state names: {first} and {second}");

        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var a = new TestGrainState<SampleState> { State = Sample("first", 1) };
        var b = new TestGrainState<SampleState> { State = Sample("second", 2) };
        await storage.WriteStateAsync(first, grain, a);
        await storage.WriteStateAsync(second, grain, b);

        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync(first, grain, read);
        Assert.Equal("first", read.State.Name);
        await storage.ReadStateAsync(second, grain, read);
        Assert.Equal("second", read.State.Name);
    }

    private async Task UnusualKeysRoundTrip()
    {
        var storage = await CreateStorageAsync();
        string[] keys = ["Заказ-№1 ✓", "with/slash+ext", "quote'\"; DROP TABLE OrleansStorage; --", string.Empty, "emoji 🚀"];
        foreach (var key in keys)
        {
            var grain = new GrainId("тип", key + Guid.NewGuid().ToString("N"));
            var state = new TestGrainState<SampleState> { State = Sample(key, key.Length) };
            await storage.WriteStateAsync("состояние", grain, state);
            var read = new TestGrainState<SampleState>();
            await storage.ReadStateAsync("состояние", grain, read);
            Assert.True(read.RecordExists, key);
            Assert.Equal(key, read.State.Name);
        }
    }

    private async Task ConcurrentInsertsExactlyOneWins()
    {
        // Several rounds on fresh grains: the insert-if-absent race window is short, one round rarely hits it.
        var storage = await CreateStorageAsync();
        for (var round = 0; round < 12; round++)
        {
            var grain = NewGrain();
            var (wins, conflicts) = await RaceAsync(storage, grain, expectedETag: null);
            Assert.Single(wins);
            Assert.Equal(7, conflicts);
            await AssertStoredAsync(storage, grain, wins[0]);
        }
    }

    private async Task ConcurrentUpdatesExactlyOneWins()
    {
        var storage = await CreateStorageAsync();
        var grain = NewGrain();
        var seed = new TestGrainState<SampleState> { State = Sample("seed", 0) };
        await storage.WriteStateAsync("race", grain, seed);
        for (var round = 0; round < 3; round++)
        {
            var current = new TestGrainState<SampleState>();
            await storage.ReadStateAsync("race", grain, current);
            var (wins, conflicts) = await RaceAsync(storage, grain, current.ETag);
            Assert.Single(wins);
            Assert.Equal(7, conflicts);
            await AssertStoredAsync(storage, grain, wins[0]);
        }
    }

    private async Task LargePayloadRoundTrip()
    {
        var seed = Environment.TickCount;
        Output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var blob = new byte[3 * 1024 * 1024 + 17];
        random.NextBytes(blob);
        var storage = await CreateStorageAsync();
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

    private static async Task<(List<string> Wins, int Conflicts)> RaceAsync(IGrainStorage storage, GrainId grain, string? expectedETag)
    {
        const int writers = 8;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wins = new List<string>();
        var conflicts = 0;
        var tasks = new Task[writers];
        for (var i = 0; i < writers; i++)
        {
            var name = "writer-" + i;
            tasks[i] = Task.Run(async () =>
            {
                var state = new TestGrainState<SampleState> { State = Sample(name, 1), ETag = expectedETag };
                await start.Task;
                try
                {
                    await storage.WriteStateAsync("race", grain, state);
                    lock (wins)
                    {
                        wins.Add(name);
                    }
                }
                catch (InconsistentStateException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            });
        }

        start.SetResult();
        await Task.WhenAll(tasks);
        return (wins, conflicts);
    }

    private static async Task AssertStoredAsync(IGrainStorage storage, GrainId grain, string name)
    {
        var read = new TestGrainState<SampleState>();
        await storage.ReadStateAsync("race", grain, read);
        Assert.Equal(name, read.State.Name);
    }
}
