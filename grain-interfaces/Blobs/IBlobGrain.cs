using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One stored blob, keyed by its id (<c>blob</c> + 64 hex, the Merkle root over its chunk hashes, see
/// <see cref="BlobManifest"/>). Chunk bytes live in the silo's content-addressed chunk store, not in grain state;
/// every read verifies each chunk against its SHA-256 and fails with <see cref="BlobIntegrityException"/> on a mismatch.
/// Blobs are written through <see cref="IBlobUploadGrain"/>. A malformed id (see <see cref="BlobIds"/>) fails every
/// call with <see cref="InvalidRequestException"/>; an id that is not stored fails with
/// <see cref="BlobNotFoundException"/> (except <see cref="GetManifestAsync"/>, which returns null). Reads are
/// <c>[ReadOnly]</c>: downloads of the same blob interleave.
/// </summary>
public interface IBlobGrain : IGrainWithStringKey
{
    /// <summary>The manifest, or null when no blob with this id is stored.</summary>
    [ReadOnly]
    Task<BlobManifest?> GetManifestAsync();

    /// <summary>The bytes of chunk <paramref name="index"/>, verified. Throws <see cref="BlobNotFoundException"/>,
    /// <see cref="InvalidRequestException"/> (index out of range) or <see cref="BlobIntegrityException"/>.</summary>
    [ReadOnly]
    Task<byte[]> ReadChunkAsync(int index);

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/> (fewer at the end of the blob),
    /// read from verified chunks. <paramref name="count"/> is 0 to <see cref="BlobLimits.MaxReadBytes"/>;
    /// <paramref name="offset"/> is 0 to the blob's size (at the size: empty), else <see cref="InvalidRequestException"/>.</summary>
    [ReadOnly]
    Task<byte[]> ReadRangeAsync(long offset, int count);

    /// <summary>A Merkle inclusion proof that chunk <paramref name="index"/> belongs to this blob.</summary>
    [ReadOnly]
    Task<ChunkProof> GetChunkProofAsync(int index);
}
