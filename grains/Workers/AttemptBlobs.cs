using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;

namespace Marketplace.Grains.Workers;

/// <summary>An attempt's input and output blobs, through <see cref="BlobTransfer"/> (every input chunk verified
/// against its hash; a failed output upload aborted).</summary>
internal static class AttemptBlobs
{
    /// <summary>The whole blob (job inputs fit in memory: the runner copies them into the module's memory anyway),
    /// read with the silo's authority: the job's client was checked when it named the blob at submit.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(IGrainFactory grains, string blobId, CancellationToken token)
    {
        var buffer = new MemoryStream();
        await BlobTransfer.DownloadAsync(grains, BlobCaller.Silo, blobId, buffer, 0, null, null, token).ConfigureAwait(false);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>The whole blob of storage deal <paramref name="dealId"/>, read range by range with the silo's authority
    /// (the job's client was checked at submit). The deal's decoder checks every chunk against the deal's fragment
    /// roots; the receipt's input hash is then checked against the deal's recorded content hash by the job.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadDealAsync(IGrainFactory grains, string dealId, CancellationToken token)
    {
        var deal = grains.GetGrain<IStorageDealGrain>(dealId);
        var buffer = new MemoryStream();
        while (true)
        {
            token.ThrowIfCancellationRequested();
            var piece = await deal.ReadForSiloAsync(buffer.Length, StorageDeals.MaxSiloReadBytes).WaitAsync(token).ConfigureAwait(false);
            buffer.Write(piece);
            if (piece.Length < StorageDeals.MaxSiloReadBytes)
            {
                return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            }
        }
    }

    /// <summary>Holds room for <paramref name="output"/> (not empty), as the blob it becomes in chunks of
    /// <paramref name="chunkSize"/> bytes, in the stored bytes of the job's client <paramref name="clientId"/>, before the
    /// run commits: throws <see cref="QuotaExceededException"/> when it does not fit (see
    /// <see cref="IClientStorageLedgerGrain.HoldOutputAsync"/>).</summary>
    public static Task HoldOutputAsync(IGrainFactory grains, int chunkSize, string clientId, ReadOnlyMemory<byte> output) =>
        grains.GetGrain<IClientStorageLedgerGrain>(clientId).HoldOutputAsync(BlobMerkle.ComputeBlobId(output.Span, chunkSize), output.Length);

    /// <summary>Stores <paramref name="output"/> (not empty) as a blob owned by the job's client
    /// <paramref name="clientId"/> and returns its id. The output is charged to the client's stored bytes without a
    /// quota check: the run held room for it before it committed (<see cref="HoldOutputAsync"/>), and the charge takes
    /// that hold over. Only an output whose hold ran out before it was stored (its silo stopped for longer than the
    /// upload idle timeout between the two) is charged past the quota.</summary>
    /// <remarks>When those bytes are already stored and their access list is full (many clients produced or uploaded
    /// the same bytes and nobody published them), the client cannot be recorded as one more owner. The output is
    /// stored all the same, without the owner: the job's client still reads it through its job
    /// (<c>GET /v1/jobs/{id}/output</c>), and the job does not fail for another client's data.</remarks>
    public static async Task<string> StoreAsync(IGrainFactory grains, string clientId, ReadOnlyMemory<byte> output, CancellationToken token)
    {
        var owner = string.IsNullOrEmpty(clientId) ? BlobCaller.Silo : BlobCaller.JobOutputFor(clientId);
        try
        {
            return (await BlobTransfer.StoreAsync(grains, owner, output, "application/octet-stream", token).ConfigureAwait(false)).Id;
        }
        catch (BlobAccessListFullException)
        {
            return (await BlobTransfer.StoreAsync(grains, BlobCaller.Silo, output, "application/octet-stream", token).ConfigureAwait(false)).Id;
        }
    }
}
