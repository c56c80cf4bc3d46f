namespace Marketplace.Storage.ReedSolomon;

/// <summary>How a blob of a given length is cut into stripes and chunks.</summary>
internal static class BlobLayout
{
    /// <summary>The largest maximum chunk size an encoder accepts (a stripe buffer holds k + m chunks).</summary>
    public const int MaxChunkSize = 16 * 1024 * 1024;

    /// <summary>
    /// The fewest stripes of at most <paramref name="maxChunkSize"/> bytes per shard that hold the blob, then the
    /// smallest chunk size that fits it in that many stripes (and the stripe count again for that size), so the zero
    /// padding is always under one stripe and usually under k bytes per stripe. An empty blob is one stripe of
    /// 1-byte zero shards.
    /// </summary>
    public static (int ChunkSize, int ChunkCount) For(long blobLength, int dataFragments, int maxChunkSize)
    {
        var stripeCapacity = (long)dataFragments * maxChunkSize;
        var stripes = Math.Max(1, (blobLength + stripeCapacity - 1) / stripeCapacity);
        var chunkSize = Math.Max(1, (blobLength + (dataFragments * stripes) - 1) / (dataFragments * stripes));
        stripes = Math.Max(1, (blobLength + (dataFragments * chunkSize) - 1) / (dataFragments * chunkSize));
        if (stripes > int.MaxValue)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidSize,
                $"A blob of {blobLength} bytes needs more than {int.MaxValue} stripes of {maxChunkSize}-byte chunks.");
        }

        return ((int)chunkSize, (int)stripes);
    }
}
