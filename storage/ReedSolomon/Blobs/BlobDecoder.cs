namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// Rebuilds a blob from any k intact fragments of the k + m its <see cref="BlobManifest"/> describes. Every fragment
/// is checked against the manifest (length, SHA-256, chunk Merkle root) before it is used, and each chunk again as it
/// is decoded; a fragment that fails is refused and another one taken in its place. Bytes that do not match the
/// manifest are never decoded into the output. Works stripe by stripe with pooled buffers of k + m chunks.
/// An instance can be shared between threads.
/// </summary>
public sealed class BlobDecoder
{
    private readonly GaloisKernel _kernel;

    /// <summary>Creates a decoder running the given Galois-field kernel.</summary>
    /// <exception cref="ErasureCodingException"><see cref="ErasureCodingError.KernelNotSupported"/>.</exception>
    public BlobDecoder(GaloisKernel kernel = GaloisKernel.Auto)
    {
        if (!ReedSolomonCodec.IsKernelSupported(kernel))
        {
            throw new ErasureCodingException(ErasureCodingError.KernelNotSupported, $"The {kernel} kernel is not supported on this processor.");
        }

        _kernel = kernel;
    }

    /// <summary>Decodes a blob from fragments held in memory.</summary>
    /// <param name="manifest">The blob's manifest.</param>
    /// <param name="fragments">k + m entries by fragment index; null where a fragment is not available.</param>
    /// <returns>The blob's bytes.</returns>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.NotEnoughShards"/> when fewer than k fragments are offered and intact;
    /// <see cref="ErasureCodingError.ShardCountMismatch"/>; <see cref="ErasureCodingError.InvalidSize"/> for a blob
    /// larger than an array can hold.
    /// </exception>
    public byte[] Decode(BlobManifest manifest, IReadOnlyList<byte[]?> fragments)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(fragments);
        if (manifest.BlobLength > Array.MaxLength)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidSize,
                $"A blob of {manifest.BlobLength} bytes does not fit in an array; decode it to a stream.");
        }

        var streams = new Stream?[fragments.Count];
        for (var i = 0; i < streams.Length; i++)
        {
            streams[i] = fragments[i] is { } bytes ? new MemoryStream(bytes, writable: false) : null;
        }

        var blob = new byte[manifest.BlobLength];
        using var destination = new MemoryStream(blob);
        Decode(manifest, streams, destination);
        return blob;
    }

    /// <summary>Decodes a blob from fragment streams and writes it to <paramref name="destination"/>.</summary>
    /// <param name="manifest">The blob's manifest.</param>
    /// <param name="fragments">
    /// k + m entries by fragment index; null where a fragment is not available. Each stream must be readable and
    /// seekable (every fragment used is read twice: once whole to check it, then chunk by chunk to decode).
    /// </param>
    /// <param name="destination">Receives exactly <see cref="BlobManifest.BlobLength"/> bytes on success.</param>
    /// <returns>Which fragments were refused and which were used.</returns>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.NotEnoughShards"/> when fewer than k fragments are offered and intact (the
    /// destination may then hold the blob's first stripes, all of them correct);
    /// <see cref="ErasureCodingError.ShardCountMismatch"/>; <see cref="ErasureCodingError.UnusableStream"/>.
    /// </exception>
    public BlobDecodeReport Decode(BlobManifest manifest, IReadOnlyList<Stream?> fragments, Stream destination)
    {
        var task = DecodeAsync(manifest, fragments, destination, useAsync: false, CancellationToken.None);
        return task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("A synchronous decode did not complete.");
    }

    /// <summary>The asynchronous form of <see cref="Decode(BlobManifest, IReadOnlyList{Stream}, Stream)"/>.</summary>
    /// <exception cref="ErasureCodingException">As for the synchronous form.</exception>
    public Task<BlobDecodeReport> DecodeAsync(BlobManifest manifest, IReadOnlyList<Stream?> fragments, Stream destination,
        CancellationToken cancellationToken = default) =>
        DecodeAsync(manifest, fragments, destination, useAsync: true, cancellationToken).AsTask();

    private async ValueTask<BlobDecodeReport> DecodeAsync(BlobManifest manifest, IReadOnlyList<Stream?> fragments, Stream destination,
        bool useAsync, CancellationToken cancellationToken)
    {
        Check(manifest, fragments, destination);
        var codec = ReedSolomonCodec.Create(manifest.DataFragments, manifest.ParityFragments, _kernel);
        using var set = new FragmentSet(manifest, fragments);
        var remaining = manifest.BlobLength;
        for (var stripe = 0; stripe < manifest.ChunkCount; stripe++)
        {
            await set.LoadStripeAsync(stripe, useAsync, cancellationToken).ConfigureAwait(false);
            codec.ReconstructData(set.Shards, set.Active);
            for (var i = 0; i < manifest.DataFragments && remaining > 0; i++)
            {
                var shard = set.Shards[i][..(int)Math.Min(manifest.ChunkSize, remaining)];
                remaining -= shard.Length;
                if (useAsync)
                {
                    await destination.WriteAsync(shard, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    destination.Write(shard.Span);
                }
            }
        }

        return set.Report();
    }

    private static void Check(BlobManifest manifest, IReadOnlyList<Stream?> fragments, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(fragments);
        ArgumentNullException.ThrowIfNull(destination);
        if (fragments.Count != manifest.TotalFragments)
        {
            throw new ErasureCodingException(ErasureCodingError.ShardCountMismatch,
                $"The manifest describes {manifest.TotalFragments} fragments; {fragments.Count} entries were passed (null for a missing one).");
        }

        for (var i = 0; i < fragments.Count; i++)
        {
            if (fragments[i] is { } stream && !(stream.CanRead && stream.CanSeek))
            {
                throw new ErasureCodingException(ErasureCodingError.UnusableStream, $"Fragment stream {i} must be readable and seekable.");
            }
        }

        if (!destination.CanWrite)
        {
            throw new ErasureCodingException(ErasureCodingError.UnusableStream, "The destination stream is not writable.");
        }
    }
}
