namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// Everything needed to check and decode the fragments of one erasure-coded blob: the code's shape, the blob's
/// length (the padding of the last stripe is cut from it), the chunk layout and each fragment's digest.
/// </summary>
/// <remarks>
/// Layout: the blob is cut into <see cref="ChunkCount"/> stripes of k x <see cref="ChunkSize"/> bytes, the last one
/// padded with zeros. Stripe s is split into k data shards of <see cref="ChunkSize"/> bytes (shard j is the stripe's
/// bytes j x ChunkSize onwards) and encoded into m parity shards. Fragment i is the concatenation of shard i of every
/// stripe, so its chunk s (the unit of its Merkle tree and of audits) is its shard of stripe s, and every fragment is
/// <see cref="FragmentLength"/> bytes long. Fragments 0..k-1 hold the data, k..k+m-1 the parity.
/// </remarks>
public sealed class BlobManifest
{
    /// <summary>Creates and checks a manifest.</summary>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.InvalidShardCounts"/> for counts out of range;
    /// <see cref="ErasureCodingError.InvalidManifest"/> when the sizes or the number of digests do not agree.
    /// </exception>
    public BlobManifest(int dataFragments, int parityFragments, long blobLength, int chunkSize, int chunkCount,
        IReadOnlyList<FragmentDigest> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        if (dataFragments < 1 || parityFragments < 1 || dataFragments > ReedSolomonCodec.MaxTotalShards - parityFragments)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidShardCounts,
                $"Fragment counts k = {dataFragments}, m = {parityFragments} are out of range: k >= 1, m >= 1 and k + m <= {ReedSolomonCodec.MaxTotalShards}.");
        }

        if (blobLength < 0 || chunkSize < 1 || chunkCount < 1
            || (long)chunkSize * chunkCount * dataFragments < blobLength
            || (long)chunkSize * (chunkCount - 1) * dataFragments >= Math.Max(blobLength, 1))
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidManifest,
                $"Blob length {blobLength}, chunk size {chunkSize} and chunk count {chunkCount} do not agree for {dataFragments} data fragments.");
        }

        if (fragments.Count != dataFragments + parityFragments)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidManifest,
                $"The manifest lists {fragments.Count} fragment digests for {dataFragments + parityFragments} fragments.");
        }

        var digests = new FragmentDigest[fragments.Count];
        for (var i = 0; i < digests.Length; i++)
        {
            digests[i] = fragments[i] ?? throw new ErasureCodingException(ErasureCodingError.InvalidManifest, $"Fragment digest {i} is missing.");
        }

        DataFragments = dataFragments;
        ParityFragments = parityFragments;
        BlobLength = blobLength;
        ChunkSize = chunkSize;
        ChunkCount = chunkCount;
        Fragments = digests;
    }

    /// <summary>k: the number of data fragments, and of intact fragments any decode needs.</summary>
    public int DataFragments { get; }

    /// <summary>m: the number of parity fragments, and of fragments that may be lost or corrupt.</summary>
    public int ParityFragments { get; }

    /// <summary>k + m.</summary>
    public int TotalFragments => DataFragments + ParityFragments;

    /// <summary>The blob's length in bytes, without padding.</summary>
    public long BlobLength { get; }

    /// <summary>Bytes per chunk (per shard of a stripe); at most the encoder's maximum chunk size.</summary>
    public int ChunkSize { get; }

    /// <summary>Chunks per fragment (stripes in the blob); the leaf count of each fragment's Merkle tree.</summary>
    public int ChunkCount { get; }

    /// <summary>The length of every fragment: <see cref="ChunkSize"/> x <see cref="ChunkCount"/>.</summary>
    public long FragmentLength => (long)ChunkSize * ChunkCount;

    /// <summary>The digest of each fragment, by fragment index.</summary>
    public IReadOnlyList<FragmentDigest> Fragments { get; }
}
