// A blob that arrives whole (a job's output, a small HTTP upload) is cut into chunks, written to this silo's chunk
// store and registered with its blob grain in one turn of a stateless worker on the caller's silo: one grain call and
// no upload activation, where the upload grain takes an activation, a timer and three calls. Chunks are written
// straight from the content, never copied.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Marketplace.Grains.Blobs;

/// <summary>Stores blobs that arrive in one piece (<see cref="IBlobWriterGrain"/>).</summary>
[StatelessWorker]
[GrainType("blob-writer")]
internal sealed class BlobWriterGrain(IChunkStore store, IOptions<BlobOptions> options) : Grain, IBlobWriterGrain
{
    private readonly BlobOptions _options = options.Value;

    /// <inheritdoc />
    public async Task<BlobManifest> StoreAsync(byte[] content, string? mediaType, BlobCaller owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (content is null)
        {
            throw new InvalidRequestException("content is required.");
        }

        if (content.Length == 0)
        {
            throw new BlobEmptyException("A blob of no bytes is not stored.");
        }

        if (content.Length > BlobLimits.MaxAppendBytes)
        {
            throw new InvalidRequestException($"A blob of {content.Length} bytes is larger than {BlobLimits.MaxAppendBytes} bytes, the most one call may store; upload it in pieces.");
        }

        if (content.Length > _options.MaxBlobBytes)
        {
            throw new BlobTooLargeException($"A blob of {content.Length} bytes is over the blob size limit of {_options.MaxBlobBytes} bytes.");
        }

        var type = BlobMediaType.Normalize(mediaType);
        var chunkSize = _options.ChunkSize;
        var chunks = new List<ChunkRef>((content.Length + chunkSize - 1) / chunkSize);
        var hashes = new List<string>(chunks.Capacity);
        for (var offset = 0; offset < content.Length; offset += chunkSize)
        {
            var size = Math.Min(chunkSize, content.Length - offset);
            var hash = await store.WriteAsync(content.AsMemory(offset, size));
            chunks.Add(new ChunkRef { Hash = hash, Offset = offset, Size = size });
            hashes.Add(hash);
        }

        var id = BlobMerkle.ComputeBlobId(hashes);
        var manifest = new BlobManifest { Id = id, Size = content.Length, MediaType = type, Chunks = chunks, CreatedAt = DateTimeOffset.UtcNow };
        return await GrainFactory.GetGrain<IBlobRegistryGrain>(id).RegisterAsync(manifest, owner);
    }
}
