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
            deals.RemoveRange(0, deals.Count - Kept);
        }

        await state.WriteStateAsync();
    }

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
}
