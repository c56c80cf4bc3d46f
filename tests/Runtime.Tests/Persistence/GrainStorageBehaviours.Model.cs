using Marketplace.Runtime.Storage;
using Xunit;

namespace Marketplace.Runtime.Tests.Persistence;

public abstract partial class GrainStorageBehaviours
{
    /// <summary>
    /// Model-based check (after the TestKit's random runner): three clients with their own, possibly stale, views
    /// read, write and clear two states of two grains in a seeded random order; every outcome and ETag must match a
    /// plain dictionary model of versions.
    /// </summary>
    private async Task RandomOperationsMatchTheModel()
    {
        var seed = Environment.TickCount;
        Output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var storage = await CreateStorageAsync();
        GrainId[] grains = [NewGrain(), NewGrain()];
        string[] states = ["alpha", "beta"];
        var model = new Dictionary<(int Grain, int State), (int Version, string? Name)>();
        var clients = new Dictionary<(int Client, int Grain, int State), TestGrainState<SampleState>>();
        for (var step = 0; step < 150; step++)
        {
            var key = (Grain: random.Next(2), State: random.Next(2));
            var view = ViewOf(clients, (random.Next(3), key.Grain, key.State));
            model.TryGetValue(key, out var stored);
            var storedETag = model.ContainsKey(key) ? stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            var operation = random.Next(10);
            var context = $"step {step} op {operation} key {key} client ETag {view.ETag ?? "null"} stored {storedETag ?? "none"}";
            if (operation < 3)
            {
                await storage.ReadStateAsync(states[key.State], grains[key.Grain], view);
                Assert.True(storedETag == view.ETag, context);
                Assert.True((storedETag is not null && stored.Name is not null) == view.RecordExists, context);
                if (view.RecordExists)
                {
                    Assert.True(stored.Name == view.State.Name, context);
                }
            }
            else if (operation < 8)
            {
                view.State = Sample("s" + step, step);
                if (view.ETag == storedETag)
                {
                    await storage.WriteStateAsync(states[key.State], grains[key.Grain], view);
                    model[key] = (stored.Version + 1, view.State.Name);
                    Assert.True((stored.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) == view.ETag, context);
                }
                else
                {
                    var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(states[key.State], grains[key.Grain], view));
                    Assert.True(storedETag == error.StoredETag, context);
                }
            }
            else if (operation < 9)
            {
                if (view.ETag == storedETag)
                {
                    await storage.ClearStateAsync(states[key.State], grains[key.Grain], view);
                    if (storedETag is not null)
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
                view.ETag = random.Next(3) == 0 ? null : random.Next(1, 6).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        static TestGrainState<SampleState> ViewOf(
            Dictionary<(int, int, int), TestGrainState<SampleState>> views, (int, int, int) key)
        {
            if (!views.TryGetValue(key, out var view))
            {
                view = new TestGrainState<SampleState>();
                views.Add(key, view);
            }

            return view;
        }
    }
}
