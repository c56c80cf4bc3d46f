// One blob: its manifest in grain state (the default storage), its bytes in the ChunkStore. Every read goes to disk
// and verifies each chunk it touches (nothing big is cached here: hot chunks stay in the OS page cache). Reads are
// [ReadOnly] and interleave; registration is the only writer and runs alone.
using System.Buffers;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>The grain of one stored blob (<see cref="IBlobGrain"/>), keyed by its blob id.</summary>
[GrainType("blob")]
internal sealed class BlobGrain(
    [PersistentState("manifest")] IPersistentState<BlobManifest> manifest,
    ChunkStore store,
    BlobLog log) : Grain, IBlobGrain, IBlobRegistryGrain
{
    private string Id => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<BlobManifest?> GetManifestAsync()
    {
        RequireValidId();
        if (!manifest.RecordExists)
        {
            DeactivateOnIdle();
            return Task.FromResult<BlobManifest?>(null);
        }

        return Task.FromResult<BlobManifest?>(manifest.State);
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadChunkAsync(int index)
    {
        var m = RequireManifest();
        RequireChunkIndex(m, index);
        var chunk = m.Chunks[index];
        var bytes = new byte[chunk.Size];
        await store.ReadVerifiedAsync(m.Id, index, chunk, bytes);
        return bytes;
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadRangeAsync(long offset, int count)
    {
        var m = RequireManifest();
        if (count is < 0 or > BlobLimits.MaxReadBytes)
        {
            throw new InvalidRequestException($"count {count} must be 0..{BlobLimits.MaxReadBytes} bytes.");
        }

        if (offset < 0 || offset > m.Size)
        {
            throw new InvalidRequestException($"offset {offset} must be 0..{m.Size} (the size of blob {m.Id}).");
        }

        var result = new byte[(int)Math.Min(count, m.Size - offset)];
        var index = BlobTransfer.ChunkIndexAt(m.Chunks, offset);
        var done = 0;
        while (done < result.Length)
        {
            var chunk = m.Chunks[index];
            var from = (int)(offset + done - chunk.Offset);
            var take = Math.Min(chunk.Size - from, result.Length - done);
            if (take == chunk.Size)
            {
                // The range covers the whole chunk: verify it in place.
                await store.ReadVerifiedAsync(m.Id, index, chunk, result.AsMemory(done, take));
            }
            else
            {
                // A chunk at either end of the range: verify it whole, keep the part inside.
                var scratch = ArrayPool<byte>.Shared.Rent(chunk.Size);
                try
                {
                    await store.ReadVerifiedAsync(m.Id, index, chunk, scratch.AsMemory(0, chunk.Size));
                    scratch.AsSpan(from, take).CopyTo(result.AsSpan(done));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
            }

            done += take;
            index++;
        }

        return result;
    }

    /// <inheritdoc />
    public Task<ChunkProof> GetChunkProofAsync(int index)
    {
        var m = RequireManifest();
        RequireChunkIndex(m, index);
        return Task.FromResult(BlobMerkle.CreateProof(m.Id, m.Chunks, index));
    }

    /// <inheritdoc />
    public async Task<BlobManifest> RegisterAsync(BlobManifest candidate)
    {
        RequireValidId();
        if (manifest.RecordExists)
        {
            return manifest.State;
        }

        if (candidate is null || !string.Equals(candidate.Id, Id, StringComparison.Ordinal) || !BlobMerkle.VerifyManifest(candidate))
        {
            throw new InvalidRequestException($"The manifest offered for blob {Id} does not hash to that id.");
        }

        for (var i = 0; i < candidate.Chunks.Count; i++)
        {
            var chunk = candidate.Chunks[i];
            if (chunk.Size > BlobLimits.MaxReadBytes)
            {
                throw new InvalidRequestException($"Chunk {i} of blob {Id} has {chunk.Size} bytes; chunks are at most {BlobLimits.MaxReadBytes} bytes.");
            }

            if (!store.Contains(chunk.Hash, chunk.Size))
            {
                throw new BlobIntegrityException(
                    $"Blob {Id} chunk {i} failed its integrity check before registration: expected sha256 {chunk.Hash} ({chunk.Size} bytes), actual: no such file in the chunk store.");
            }
        }

        manifest.State = candidate;
        await manifest.WriteStateAsync();
        log.BlobRegistered(Id, candidate.Size, candidate.Chunks.Count);
        return candidate;
    }

    private void RequireValidId()
    {
        if (!BlobIds.IsValid(Id))
        {
            DeactivateOnIdle();
            throw new InvalidRequestException($"blobId '{Id}' is not a blob id: expected 'blob' followed by 64 lowercase hex digits.");
        }
    }

    private BlobManifest RequireManifest()
    {
        RequireValidId();
        if (!manifest.RecordExists)
        {
            DeactivateOnIdle();
            throw new BlobNotFoundException($"Blob {Id} is not stored.");
        }

        return manifest.State;
    }

    private static void RequireChunkIndex(BlobManifest m, int index)
    {
        if (index < 0 || index >= m.Chunks.Count)
        {
            throw new InvalidRequestException($"Chunk index {index} is out of range: blob {m.Id} has {m.Chunks.Count} chunks (0..{m.Chunks.Count - 1}).");
        }
    }
}
