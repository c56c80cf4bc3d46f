using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Storage deals through the deal grains, as this client.</content>
public sealed partial class GrainMarketplaceClient
{
    /// <inheritdoc />
    public Task<DealStatus> StoreAsync(byte[] content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = dealId ?? "deal-" + Guid.NewGuid().ToString("N");
        if (!StorageIds.IsValid(id))
        {
            throw new InvalidRequestException($"deal_id: '{id}' is not a deal id");
        }

        return Deal(id).CreateAsync(ClientId, policy ?? DurabilityPolicy.Dev, maxPricePerGiBMonth ?? long.MaxValue, content).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<DealStatus> GetDealAsync(string dealId, CancellationToken cancellationToken = default) =>
        Deal(dealId).GetStatusAsync(ClientId).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<DealList> ListDealsAsync(int limit = 20, CancellationToken cancellationToken = default)
    {
        var ids = await _grains.GetGrain<IClientDealsGrain>(ClientId).ListAsync(limit).WaitAsync(cancellationToken).ConfigureAwait(false);
        var deals = new List<DealStatus>(ids.Count);
        foreach (var id in ids)
        {
            deals.Add(await Deal(id).GetStatusAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false));
        }

        return new DealList { Deals = deals };
    }

    /// <inheritdoc />
    public Task<byte[]> RetrieveAsync(string dealId, long offset = 0, long? length = null, CancellationToken cancellationToken = default) =>
        Deal(dealId).ReadAsync(ClientId, offset, length ?? -1).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<DealStatus> AuditDealAsync(string dealId, CancellationToken cancellationToken = default)
    {
        var deal = Deal(dealId);
        await deal.GetStatusAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
        return await deal.AuditAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private IStorageDealGrain Deal(string dealId) =>
        StorageIds.IsValid(dealId) ? _grains.GetGrain<IStorageDealGrain>(dealId) : throw new InvalidRequestException($"dealId: '{dealId}' is not a deal id");
}
