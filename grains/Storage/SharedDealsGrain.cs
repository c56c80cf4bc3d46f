using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>The deals that let others read one blob (<see cref="ISharedDealsGrain"/>), persisted in the default
/// storage.</summary>
internal sealed class SharedDealsGrain([PersistentState("shared-deals")] IPersistentState<SharedDealsState> state) : Grain, ISharedDealsGrain
{
    public async Task AddAsync(string dealId)
    {
        var deals = state.State.Deals;
        if (deals.Contains(dealId))
        {
            return;
        }

        if (deals.Count >= ISharedDealsGrain.MaxDeals)
        {
            throw new BlobAccessListFullException($"{ISharedDealsGrain.MaxDeals} deals already share blob {this.GetPrimaryKeyString()}, the most one blob lists");
        }

        deals.Add(dealId);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            deals.Remove(dealId);
            throw;
        }
    }

    public async Task RemoveAsync(string dealId)
    {
        if (state.State.Deals.Remove(dealId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Deals]);
}

/// <summary>The deal ids of one <see cref="SharedDealsGrain"/>, oldest first.</summary>
[GenerateSerializer]
[Alias("marketplace.shared-deals-state")]
internal sealed class SharedDealsState
{
    /// <summary>The deals listed.</summary>
    [Id(0)] public List<string> Deals { get; set; } = [];
}
