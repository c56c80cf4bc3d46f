// Design: a blob already in the chunk store (a job's output, an upload) becomes a storage deal without leaving the
// cluster: the silo reads it as the caller, every chunk verified against the blob's manifest, and pipes the bytes into
// the same streaming deal upload an HTTP body takes. Nothing is held whole in memory: the pipe holds at most its
// pause threshold while the encoder catches up.
using System.IO.Pipelines;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Storage;

namespace Marketplace.Silo.Api;

/// <summary>Stores a chunk-store blob the caller may read as a storage deal (<c>POST /v1/deals?blob_id=</c>).</summary>
internal static class StoredBlobDeals
{
    /// <exception cref="BlobNotFoundException">No such blob, or the caller may not read it.</exception>
    public static async Task<DealStatus> StoreAsync(IGrainFactory grains, DealTransfers transfers, string clientId, string blobId, string dealId, DurabilityPolicy policy, long maxPrice, TimeSpan duration, CancellationToken cancellationToken)
    {
        var caller = BlobCaller.Client(clientId);
        var manifest = await grains.GetGrain<IBlobGrain>(blobId).GetManifestAsync(caller)
            ?? throw new BlobNotFoundException($"blob_id: blob {blobId} does not exist");

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4L << 20, resumeWriterThreshold: 2L << 20));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadIntoAsync(grains, caller, blobId, pipe.Writer, stop.Token);
        try
        {
            return await transfers.StoreAsync(clientId, dealId, policy, maxPrice, duration, pipe.Reader.AsStream(leaveOpen: true), manifest.Size, cancellationToken);
        }
        finally
        {
            // A deal that fails or is stored already (same bytes) may stop reading early: the producer then ends too.
            await pipe.Reader.CompleteAsync();
            await stop.CancelAsync();
            await reading;
        }
    }

    private static async Task ReadIntoAsync(IGrainFactory grains, BlobCaller caller, string blobId, PipeWriter writer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await BlobTransfer.DownloadAsync(grains, caller, blobId, writer.AsStream(leaveOpen: true), 0, null, null, cancellationToken);
            await writer.CompleteAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The reader sees the failure as its source's: the deal upload fails with it and drops what it wrote.
            await writer.CompleteAsync(e);
        }
    }
}
