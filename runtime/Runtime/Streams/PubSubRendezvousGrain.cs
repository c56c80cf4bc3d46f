using Marketplace.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Runtime.Streams;

/// <summary>
/// Keeps one stream's explicit grain subscriptions in the grain storage named "PubSubStore" (or "Default" when there
/// is none), state name "pubsub".
/// </summary>
[GrainType("marketplace.pubsub")]
internal sealed class PubSubRendezvousGrain : Grain, IPubSubRendezvousGrain
{
    public const string StorageName = "PubSubStore";

    private readonly IPersistentState<PubSubState> _state;

    public PubSubRendezvousGrain()
    {
        var storage = ServiceProvider.GetKeyedService<IGrainStorage>(StorageName) is not null ? StorageName
            : ServiceProvider.GetKeyedService<IGrainStorage>("Default") is not null ? "Default"
            : throw new StreamException($"Stream subscriptions need a grain storage named '{StorageName}' or 'Default' (e.g. AddMemoryGrainStorage(\"{StorageName}\")); none is registered.");
        _state = GrainContext.GetPersistentState<PubSubState>("pubsub", storage);
    }

    public Task<List<PubSubSubscription>> GetConsumers() => Task.FromResult(_state.State.Consumers);

    public async Task AddConsumer(Guid handleId, GrainId consumer)
    {
        var consumers = _state.State.Consumers;
        if (consumers.Exists(c => c.HandleId == handleId))
        {
            return;
        }

        consumers.Add(new PubSubSubscription { HandleId = handleId, Consumer = consumer });
        await _state.WriteStateAsync();
    }

    public async Task<bool> RemoveConsumer(Guid handleId)
    {
        if (_state.State.Consumers.RemoveAll(c => c.HandleId == handleId) == 0)
        {
            return false;
        }

        await _state.WriteStateAsync();
        return true;
    }
}
