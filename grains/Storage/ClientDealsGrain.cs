using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>A client's deal ids (<see cref="IClientDealsGrain"/>), persisted in the default storage: every deal it made
/// (the newest <see cref="Kept"/>) and which of them are open, so a client has at most
/// <see cref="StorageOptions.MaxDealsPerClient"/> deals placing or active.</summary>
internal sealed class ClientDealsGrain([PersistentState("client-deals")] IPersistentState<ClientDealsState> state) : Grain, IClientDealsGrain
{
    /// <summary>Deal ids kept per client.</summary>
    public const int Kept = 10_000;

    public async Task OpenAsync(string dealId, int maxOpen)
    {
        var open = state.State.Open;
        if (open.Contains(dealId))
        {
            return;
        }

        if (open.Count >= maxOpen)
        {
            throw new QuotaExceededException(string.Create(CultureInfo.InvariantCulture,
                $"deals: this client has {open.Count:N0} deals placing or active, its limit of {maxOpen:N0} (Marketplace:Storage:MaxDealsPerClient); delete deals it no longer needs and store again"));
        }

        open.Add(dealId);
        var deals = state.State.Deals;
        if (!deals.Contains(dealId))
        {
            deals.Add(dealId);
            Trim(deals, open);
        }

        await state.WriteStateAsync();
    }

    public async Task ClosedAsync(string dealId, bool unlist)
    {
        if (state.State.Open.Remove(dealId) | (unlist && state.State.Deals.Remove(dealId)))
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>Past <see cref="Kept"/> ids, drops the oldest of the deals that ended (an open one is never dropped: at
    /// most MaxDealsPerClient, at most <see cref="Kept"/>, are open).</summary>
    private void Trim(List<string> deals, HashSet<string> open)
    {
        if (deals.Count <= Kept)
        {
            return;
        }

        var dropped = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < deals.Count && deals.Count - dropped.Count > Kept; i++)
        {
            if (!open.Contains(deals[i]))
            {
                dropped.Add(deals[i]);
            }
        }

        deals.RemoveAll(dropped.Contains);
        foreach (var blob in state.State.DealsByBlob.Where(e => dropped.Contains(e.Value)).Select(e => e.Key).ToList())
        {
            state.State.DealsByBlob.Remove(blob);
        }
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

    /// <summary>The deals placing or active: counted against Marketplace:Storage:MaxDealsPerClient.</summary>
    [Id(2)] public HashSet<string> Open { get; set; } = [];
}
