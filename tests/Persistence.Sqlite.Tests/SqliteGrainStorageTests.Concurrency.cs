using System.Globalization;
using Orleans.Storage;

namespace Marketplace.Persistence.Sqlite.Tests;

public sealed partial class SqliteGrainStorageTests
{
    private const int Racers = 8;

    [Fact]
    public async Task ConcurrentFirstWritesExactlyOneWins()
    {
        // Several rounds on fresh grains: the insert-if-absent race window is short, one round rarely hits it.
        var storage = Create();
        for (var round = 0; round < 12; round++)
        {
            var grain = NewGrain();
            var (wins, conflicts) = await RaceAsync(storage, grain, expectedETag: null);
            Assert.Single(wins);
            Assert.Equal(Racers - 1, conflicts);
            await AssertStoredAsync(storage, grain, wins[0]);
        }
    }

    [Fact]
    public async Task ConcurrentWritersWithOneETagExactlyOneWins()
    {
        var storage = Create();
        var grain = NewGrain();
        await storage.WriteStateAsync("race", grain, new TestGrainState<SampleState> { State = Sample("seed", 0) });
        for (var round = 0; round < 3; round++)
        {
            var current = new TestGrainState<SampleState>();
            await storage.ReadStateAsync("race", grain, current);
            var (wins, conflicts) = await RaceAsync(storage, grain, current.ETag);
            Assert.Single(wins);
            Assert.Equal(Racers - 1, conflicts);
            await AssertStoredAsync(storage, grain, wins[0]);
        }
    }

    [Fact]
    public async Task ManyConcurrentWritersOnOneFileAllSucceed()
    {
        // Two storages on one file (as two named storages would be) and 16 writers each doing a read-modify-write
        // loop on its own grain: no SQLITE_BUSY may escape, no update may be lost.
        var storages = new[] { Create(), Create() };
        await storages[0].InitializeAsync(CancellationToken.None);
        const int writers = 16;
        const int writes = 15;
        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            var storage = storages[i % 2];
            var grain = GrainId.Create("counter", "c" + i.ToString(CultureInfo.InvariantCulture));
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
            await storages[1].ReadStateAsync("count", GrainId.Create("counter", "c" + i.ToString(CultureInfo.InvariantCulture)), read);
            Assert.Equal(writes, read.State.Count);
            Assert.Equal(writes.ToString(CultureInfo.InvariantCulture), read.ETag);
        }
    }

    /// <summary>
    /// Model-based check (after the TestKit's random runner): three clients with their own, possibly stale, views
    /// read, write and clear two states of two grains in a seeded random order; every outcome and ETag must match a
    /// plain dictionary of versions.
    /// </summary>
    [Theory]
    [InlineData(7100)]
    [InlineData(20261123)]
    public async Task RandomOperationsMatchTheModel(int seed)
    {
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var storage = Create();
        GrainId[] grains = [NewGrain(), NewGrain()];
        string[] states = ["alpha", "beta"];
        var model = new Dictionary<(int Grain, int State), (long Version, string? Name)>();
        var clients = new Dictionary<(int Client, int Grain, int State), TestGrainState<SampleState>>();
        for (var step = 0; step < 150; step++)
        {
            var key = (Grain: random.Next(2), State: random.Next(2));
            var clientKey = (random.Next(3), key.Grain, key.State);
            if (!clients.TryGetValue(clientKey, out var view))
            {
                view = new TestGrainState<SampleState>();
                clients.Add(clientKey, view);
            }

            var exists = model.TryGetValue(key, out var stored);
            var storedETag = exists ? stored.Version.ToString(CultureInfo.InvariantCulture) : null;
            var operation = random.Next(10);
            var context = $"step {step} op {operation} key {key} client ETag {view.ETag ?? "null"} stored {storedETag ?? "none"}";
            if (operation < 3)
            {
                await storage.ReadStateAsync(states[key.State], grains[key.Grain], view);
                Assert.True(storedETag == view.ETag, context);
                Assert.True((exists && stored.Name is not null) == view.RecordExists, context);
                Assert.True((view.RecordExists ? stored.Name : string.Empty) == view.State.Name, context);
            }
            else if (operation < 8)
            {
                view.State = Sample("s" + step.ToString(CultureInfo.InvariantCulture), step);
                if (view.ETag == storedETag)
                {
                    await storage.WriteStateAsync(states[key.State], grains[key.Grain], view);
                    model[key] = (stored.Version + 1, view.State.Name);
                    Assert.True((stored.Version + 1).ToString(CultureInfo.InvariantCulture) == view.ETag, context);
                }
                else
                {
                    var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(states[key.State], grains[key.Grain], view));
                    Assert.True(storedETag == error.StoredEtag, context);
                }
            }
            else if (operation < 9)
            {
                if (view.ETag == storedETag)
                {
                    await storage.ClearStateAsync(states[key.State], grains[key.Grain], view);
                    if (exists)
                    {
                        model[key] = (stored.Version + 1, null);
                    }

                    Assert.False(view.RecordExists, context);
                }
                else
                {
                    await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(states[key.State], grains[key.Grain], view));
                }
            }
            else
            {
                // The client's view goes stale or wrong in some other way.
                view.ETag = random.Next(3) == 0 ? null : random.Next(1, 6).ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    private static async Task<(List<string> Wins, int Conflicts)> RaceAsync(IGrainStorage storage, GrainId grain, string? expectedETag)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wins = new List<string>();
        var conflicts = 0;
        var tasks = new Task[Racers];
        for (var i = 0; i < Racers; i++)
        {
            var name = "writer-" + i.ToString(CultureInfo.InvariantCulture);
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
