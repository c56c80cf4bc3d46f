using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Storage deals through the deal grains, as this client.</content>
public sealed partial class GrainMarketplaceClient
{
    /// <inheritdoc />
    public Task<DealStatus> StoreAsync(byte[] content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = dealId ?? "deal-" + Guid.NewGuid().ToString("N");
        if (!StorageIds.IsValid(id))
        {
            throw new InvalidRequestException($"deal_id: '{id}' is not a deal id");
        }

        var duration = durationDays is { } days ? TimeSpan.FromDays(Math.Clamp(days, 0, 100_000)) : StorageDeals.DefaultDuration;
        return Deal(id).CreateAsync(ClientId, policy ?? DurabilityPolicy.Dev, maxPricePerGiBMonth ?? long.MaxValue, duration, content).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DealStatus> StoreAsync(Stream content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        // One grain call carries the bytes, so they are read into memory first (HTTP streams instead).
        using var buffer = new MemoryStream();
        var piece = new byte[1 << 20];
        int read;
        while ((read = await content.ReadAsync(piece, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(piece, 0, read);
            progress?.Report(buffer.Length);
        }

        return await StoreAsync(buffer.ToArray(), policy, maxPricePerGiBMonth, dealId, durationDays, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RetrieveAsync(string dealId, Stream destination, long offset = 0, long? length = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var deal = Deal(dealId);
        var status = await deal.GetStatusAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
        var end = length is { } n ? offset + n : status.Length;
        if (offset < 0 || end > status.Length || end < offset)
        {
            throw new InvalidRequestException($"range: {end - offset} bytes from {offset} lie outside the blob's {status.Length} bytes");
        }

        // Ranges of 16 MiB: each call decodes only the stripes it covers.
        for (var at = offset; at < end;)
        {
            var take = Math.Min(RetrievePieceBytes, end - at);
            var bytes = await deal.ReadAsync(ClientId, at, take).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (bytes.Length == 0)
            {
                throw new StorageUnavailableException($"deal {dealId} returned no bytes at offset {at}");
            }

            await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            at += bytes.Length;
            progress?.Report(at - offset);
        }
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

    private const long RetrievePieceBytes = 16L * 1024 * 1024;

    private IStorageDealGrain Deal(string dealId) =>
        StorageIds.IsValid(dealId) ? _grains.GetGrain<IStorageDealGrain>(dealId) : throw new InvalidRequestException($"dealId: '{dealId}' is not a deal id");
}
