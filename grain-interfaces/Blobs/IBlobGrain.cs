using Marketplace.Runtime;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One stored blob, keyed by its id (<c>blob</c> + 64 hex, the Merkle root over its chunk hashes, see
/// <see cref="BlobManifest"/>). Chunk bytes live in the silo's content-addressed chunk store, not in grain state;
/// every read verifies each chunk against its SHA-256 and fails with <see cref="BlobIntegrityException"/> on a mismatch.
/// Blobs are written through <see cref="IBlobUploadGrain"/>.
/// </summary>
public interface IBlobGrain : IGrainWithStringKey
{
    /// <summary>The manifest, or null when no blob with this id is stored.</summary>
    Task<BlobManifest?> GetManifestAsync();

    /// <summary>The bytes of chunk <paramref name="index"/>, verified. Throws <see cref="BlobNotFoundException"/>,
    /// <see cref="InvalidRequestException"/> (index out of range) or <see cref="BlobIntegrityException"/>.</summary>
    Task<byte[]> ReadChunkAsync(int index);

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/> (fewer at the end of the blob),
    /// read from verified chunks. <paramref name="count"/> is at most <see cref="BlobLimits.MaxReadBytes"/>.</summary>
    Task<byte[]> ReadRangeAsync(long offset, int count);

    /// <summary>A Merkle inclusion proof that chunk <paramref name="index"/> belongs to this blob.</summary>
    Task<ChunkProof> GetChunkProofAsync(int index);
}
