using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>The deals that let others read one blob (<see cref="ISharedDealsGrain"/>), persisted in the default
/// storage.</summary>
internal sealed class SharedDealsGrain([PersistentState("shared-deals")] IPersistentState<SharedDealsState> state) : Grain, ISharedDealsGrain
{
    public async Task AddAsync(string dealId, string clientId)
    {
        var deals = state.State.Deals;
        var ofClient = 0;
        foreach (var entry in deals)
        {
            if (entry.DealId == dealId)
            {
                return;
            }

            if (entry.ClientId == clientId)
            {
                ofClient++;
            }
        }

        var blobId = this.GetPrimaryKeyString();
        if (ofClient >= ISharedDealsGrain.MaxDealsPerClient)
        {
            throw new BlobAccessListFullException($"{ofClient} deals of this client already share blob {blobId}, the most one client may; share one of them instead");
        }

        if (deals.Count >= ISharedDealsGrain.MaxDeals)
        {
            throw new BlobAccessListFullException($"{deals.Count} deals already share blob {blobId}, the most one blob lists");
        }

        var added = new SharedDeal { DealId = dealId, ClientId = clientId };
        deals.Add(added);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            deals.Remove(added);
            throw;
        }
    }

    public async Task RemoveAsync(string dealId)
    {
        if (state.State.Deals.RemoveAll(entry => entry.DealId == dealId) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync()
    {
        var deals = state.State.Deals;
        var ids = new string[deals.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = deals[i].DealId;
        }

        return Task.FromResult<IReadOnlyList<string>>(ids);
    }
}

/// <summary>The deals of one <see cref="SharedDealsGrain"/>, oldest first.</summary>
[GenerateSerializer]
[Alias("marketplace.shared-deals-state")]
internal sealed class SharedDealsState
{
    /// <summary>The deals listed.</summary>
    [Id(0)] public List<SharedDeal> Deals { get; set; } = [];
}

/// <summary>One listed deal and its client.</summary>
[GenerateSerializer]
[Alias("marketplace.shared-deal")]
internal sealed class SharedDeal
{
    /// <summary>The deal id.</summary>
    [Id(0)] public string DealId { get; set; } = "";

    /// <summary>The deal's client.</summary>
    [Id(1)] public string ClientId { get; set; } = "";
}
