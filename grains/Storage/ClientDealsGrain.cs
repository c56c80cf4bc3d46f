using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>A client's deal ids (<see cref="IClientDealsGrain"/>), persisted in the default storage.</summary>
internal sealed class ClientDealsGrain([PersistentState("client-deals")] IPersistentState<ClientDealsState> state) : Grain, IClientDealsGrain
{
    /// <summary>Deal ids kept per client.</summary>
    public const int Kept = 10_000;

    public async Task AddAsync(string dealId)
    {
        var deals = state.State.Deals;
        if (deals.Contains(dealId))
        {
            return;
        }

        deals.Add(dealId);
        if (deals.Count > Kept)
        {
            var dropped = new HashSet<string>(deals.Take(deals.Count - Kept), StringComparer.Ordinal);
            deals.RemoveRange(0, deals.Count - Kept);
            foreach (var blob in state.State.DealsByBlob.Where(e => dropped.Contains(e.Value)).Select(e => e.Key).ToList())
            {
                state.State.DealsByBlob.Remove(blob);
            }
        }

        await state.WriteStateAsync();
    }

    public async Task IndexBlobAsync(string blobId, string dealId)
    {
        if (state.State.DealsByBlob.TryGetValue(blobId, out var known) && known == dealId)
        {
            return;
        }

        state.State.DealsByBlob[blobId] = dealId;
        await state.WriteStateAsync();
    }

    public Task<string?> FindByBlobAsync(string blobId) =>
        Task.FromResult(state.State.DealsByBlob.TryGetValue(blobId, out var dealId) ? dealId : null);

    public Task<IReadOnlyList<string>> ListAsync(int limit)
    {
        if (limit is < 1 or > 100)
        {
            throw new InvalidRequestException($"limit: {limit}; it must be from 1 to 100");
        }

        var deals = state.State.Deals;
        var result = new List<string>(Math.Min(limit, deals.Count));
        for (var i = deals.Count - 1; i >= 0 && result.Count < limit; i--)
        {
            result.Add(deals[i]);
        }

        return Task.FromResult<IReadOnlyList<string>>(result);
    }
}

/// <summary>The stored list.</summary>
[GenerateSerializer]
[Alias("marketplace.client-deals-state")]
internal sealed class ClientDealsState
{
    /// <summary>Deal ids, oldest first.</summary>
    [Id(0)] public List<string> Deals { get; set; } = [];

    /// <summary>Blob id → the newest deal storing it.</summary>
    [Id(1)] public Dictionary<string, string> DealsByBlob { get; set; } = [];
}
