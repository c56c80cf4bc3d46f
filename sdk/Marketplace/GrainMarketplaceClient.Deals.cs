using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Storage deals through the deal grains, as this client.</content>
public sealed partial class GrainMarketplaceClient
{
    /// <inheritdoc />
    public async Task<DealStatus> StoreAsync(byte[] content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var source = new MemoryStream(content, writable: false);
        return await StoreAsync(source, policy, maxPricePerGiBMonth, dealId, durationDays, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The bytes go in pieces of 1 MiB through <see cref="IDealUploadGrain"/>, each sent once the silo has
    /// queued the previous one for the providers, so neither side holds the blob. The deal is placed from the length
    /// first: a stream that cannot seek is spooled to a temporary file (deleted on close) to learn it, as the HTTP API
    /// spools a body without a Content-Length. Cancelling drops the upload; the deal then stays placing, as after an
    /// aborted HTTP upload.</remarks>
    public async Task<DealStatus> StoreAsync(Stream content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = dealId is null ? StorageIds.NewDealId() : StorageIds.DealIdFor(ClientId, dealId);
        if (StorageIds.IsDealIdForm(dealId))
        {
            // An id rather than a name stores again only a deal of this client's own, as the HTTP API rules.
            await _grains.GetGrain<IStorageDealGrain>(id).GetStatusAsync(ClientId).ConfigureAwait(false);
        }
        var duration = durationDays is { } days ? TimeSpan.FromDays(Math.Clamp(days, 0, 100_000)) : StorageDeals.DefaultDuration;
        if (content.CanSeek)
        {
            return await UploadAsync(id, content, content.Length - content.Position, policy ?? DurabilityPolicy.Dev, maxPricePerGiBMonth ?? long.MaxValue, duration, progress, cancellationToken).ConfigureAwait(false);
        }

        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (spool.ConfigureAwait(false))
        {
            await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            return await UploadAsync(id, spool, spool.Length, policy ?? DurabilityPolicy.Dev, maxPricePerGiBMonth ?? long.MaxValue, duration, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>The blob is read as this client into a temporary file (deleted on close), every chunk verified, and
    /// stored from there as <see cref="StoreAsync(Stream, DurabilityPolicy?, long?, string?, int?, IProgress{long}?, CancellationToken)"/> does.</remarks>
    public async Task<DealStatus> StoreBlobAsync(string blobId, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, CancellationToken cancellationToken = default)
    {
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (spool.ConfigureAwait(false))
        {
            await BlobTransfer.DownloadAsync(_grains, _caller, blobId, spool, 0, null, null, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            return await StoreAsync(spool, policy, maxPricePerGiBMonth, dealId, durationDays, null, cancellationToken).ConfigureAwait(false);
        }
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
    public Task<DealStatus> DeleteDealAsync(string dealId, CancellationToken cancellationToken = default) =>
        Deal(dealId).DeleteAsync(ClientId).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<DealStatus> AuditDealAsync(string dealId, CancellationToken cancellationToken = default)
    {
        var deal = Deal(dealId);
        await deal.GetStatusAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
        return await deal.AuditAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private const long RetrievePieceBytes = 16L * 1024 * 1024;

    /// <summary>The bytes of one <see cref="IDealUploadGrain.WriteAsync"/> call: 1 MiB.</summary>
    private const int UploadPieceBytes = 1024 * 1024;

    private async Task<DealStatus> UploadAsync(string dealId, Stream content, long length, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var upload = _grains.GetGrain<IDealUploadGrain>(dealId);
        await upload.BeginAsync(ClientId, policy, maxPricePerGiBMonth, duration, length).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The piece is reused only after its call returned: the silo has copied it by then.
            var piece = new byte[(int)Math.Min(UploadPieceBytes, length)];
            long sent = 0;
            while (sent < length)
            {
                var read = await content.ReadAtLeastAsync(piece.AsMemory(0, (int)Math.Min(piece.Length, length - sent)), 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    // Shorter than its length: the silo answers as the HTTP API does for a short body.
                    break;
                }

                await upload.WriteAsync(ClientId, sent, read == piece.Length ? piece : piece[..read]).WaitAsync(cancellationToken).ConfigureAwait(false);
                sent += read;
                progress?.Report(sent);
            }

            return await upload.CompleteAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await upload.AbortAsync(ClientId).ConfigureAwait(false);
            throw;
        }
    }

    private IStorageDealGrain Deal(string dealId) =>
        _grains.GetGrain<IStorageDealGrain>(StorageIds.DealIdFor(ClientId, dealId));
}
