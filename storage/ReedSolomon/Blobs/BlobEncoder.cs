namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// Cuts a blob into k data fragments, adds m parity fragments, and describes them in a <see cref="BlobManifest"/>
/// (length, chunk layout, each fragment's SHA-256 and chunk Merkle root). Works stripe by stripe: memory use is
/// k + m chunks (pooled) whatever the blob's size. An instance can be shared between threads.
/// </summary>
public sealed class BlobEncoder
{
    /// <summary>The default largest chunk: 64 KiB per fragment per stripe.</summary>
    public const int DefaultMaxChunkSize = 64 * 1024;

    private readonly ReedSolomonCodec _codec;

    /// <summary>Creates an encoder for k data and m parity fragments.</summary>
    /// <param name="dataFragments">k, at least 1.</param>
    /// <param name="parityFragments">m, at least 1, with k + m at most 255.</param>
    /// <param name="maxChunkSize">The largest chunk (shard of a stripe), 1 byte to 16 MiB; small blobs get smaller chunks.</param>
    /// <param name="kernel">The Galois-field kernel; all give identical fragments.</param>
    /// <exception cref="ErasureCodingException">Counts or chunk size out of range, or an unsupported kernel.</exception>
    public BlobEncoder(int dataFragments, int parityFragments, int maxChunkSize = DefaultMaxChunkSize, GaloisKernel kernel = GaloisKernel.Auto)
    {
        if (maxChunkSize < 1 || maxChunkSize > BlobLayout.MaxChunkSize)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidSize,
                $"Maximum chunk size {maxChunkSize} is out of range: 1 byte to {BlobLayout.MaxChunkSize} bytes.");
        }

        _codec = ReedSolomonCodec.Create(dataFragments, parityFragments, kernel);
        MaxChunkSize = maxChunkSize;
    }

    /// <summary>k.</summary>
    public int DataFragments => _codec.DataShards;

    /// <summary>m.</summary>
    public int ParityFragments => _codec.ParityShards;

    /// <summary>The largest chunk size a manifest from this encoder can have.</summary>
    public int MaxChunkSize { get; }

    /// <summary>The chunk size and chunk (stripe) count a blob of <paramref name="blobLength"/> bytes gets from this
    /// encoder, known before a byte is read: each fragment is ChunkSize x ChunkCount bytes.</summary>
    /// <exception cref="ErasureCodingException"><see cref="ErasureCodingError.InvalidSize"/> for a negative or too large length.</exception>
    public (int ChunkSize, int ChunkCount) LayoutOf(long blobLength)
    {
        if (blobLength < 0)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidSize, $"Blob length {blobLength} is negative.");
        }

        return BlobLayout.For(blobLength, DataFragments, MaxChunkSize);
    }

    /// <summary>Encodes a blob held in memory into k + m fragments held in memory.</summary>
    public EncodedBlob Encode(ReadOnlySpan<byte> blob)
    {
        using var stripes = new StripeEncoder(_codec, blob.Length, MaxChunkSize);
        var fragments = new byte[_codec.TotalShards][];
        for (var i = 0; i < fragments.Length; i++)
        {
            fragments[i] = new byte[stripes.FragmentLength];
        }

        var offset = 0;
        for (var stripe = 0; stripe < stripes.ChunkCount; stripe++)
        {
            var dataBytes = stripes.DataBytes(stripe);
            blob.Slice(offset, dataBytes).CopyTo(stripes.DataArea.Span);
            offset += dataBytes;
            stripes.EncodeStripe(stripe, dataBytes);
            for (var i = 0; i < fragments.Length; i++)
            {
                stripes.Shard(i).Span.CopyTo(fragments[i].AsSpan(stripe * stripes.ChunkSize));
            }
        }

        return new EncodedBlob(stripes.Finish(), fragments);
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes from <paramref name="source"/> and writes fragment i to
    /// <paramref name="fragmentDestinations"/>[i], stripe by stripe.
    /// </summary>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.SourceTruncated"/> when the source ends early (the destinations then hold a
    /// partial encode); <see cref="ErasureCodingError.ShardCountMismatch"/> or
    /// <see cref="ErasureCodingError.UnusableStream"/> for wrong destinations; <see cref="ErasureCodingError.InvalidSize"/>.
    /// </exception>
    public BlobManifest Encode(Stream source, long length, IReadOnlyList<Stream> fragmentDestinations)
    {
        CheckStreams(source, length, fragmentDestinations);
        using var stripes = new StripeEncoder(_codec, length, MaxChunkSize);
        for (var stripe = 0; stripe < stripes.ChunkCount; stripe++)
        {
            var dataBytes = stripes.DataBytes(stripe);
            var read = source.ReadAtLeast(stripes.DataArea.Span[..dataBytes], dataBytes, throwOnEndOfStream: false);
            CheckRead(read, dataBytes, stripe, stripes.ChunkSize);
            stripes.EncodeStripe(stripe, dataBytes);
            for (var i = 0; i < fragmentDestinations.Count; i++)
            {
                fragmentDestinations[i].Write(stripes.Shard(i).Span);
            }
        }

        return stripes.Finish();
    }

    /// <summary>The asynchronous form of <see cref="Encode(Stream, long, IReadOnlyList{Stream})"/>.</summary>
    /// <exception cref="ErasureCodingException">As for the synchronous form.</exception>
    public async Task<BlobManifest> EncodeAsync(Stream source, long length, IReadOnlyList<Stream> fragmentDestinations,
        CancellationToken cancellationToken = default)
    {
        CheckStreams(source, length, fragmentDestinations);
        using var stripes = new StripeEncoder(_codec, length, MaxChunkSize);
        for (var stripe = 0; stripe < stripes.ChunkCount; stripe++)
        {
            var dataBytes = stripes.DataBytes(stripe);
            var read = await source.ReadAtLeastAsync(stripes.DataArea[..dataBytes], dataBytes, throwOnEndOfStream: false,
                cancellationToken).ConfigureAwait(false);
            CheckRead(read, dataBytes, stripe, stripes.ChunkSize);
            stripes.EncodeStripe(stripe, dataBytes);
            for (var i = 0; i < fragmentDestinations.Count; i++)
            {
                await fragmentDestinations[i].WriteAsync(stripes.Shard(i), cancellationToken).ConfigureAwait(false);
            }
        }

        return stripes.Finish();
    }

    private void CheckStreams(Stream source, long length, IReadOnlyList<Stream> destinations)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destinations);
        if (length < 0)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidSize, $"Blob length {length} is negative.");
        }

        if (!source.CanRead)
        {
            throw new ErasureCodingException(ErasureCodingError.UnusableStream, "The source stream is not readable.");
        }

        if (destinations.Count != _codec.TotalShards)
        {
            throw new ErasureCodingException(ErasureCodingError.ShardCountMismatch,
                $"Expected {_codec.TotalShards} fragment destinations, got {destinations.Count}.");
        }

        for (var i = 0; i < destinations.Count; i++)
        {
            if (destinations[i] is not { CanWrite: true })
            {
                throw new ErasureCodingException(ErasureCodingError.UnusableStream, $"Fragment destination {i} is missing or not writable.");
            }
        }
    }

    private static void CheckRead(int read, int expected, int stripe, int chunkSize)
    {
        if (read < expected)
        {
            throw new ErasureCodingException(ErasureCodingError.SourceTruncated,
                $"The source ended {expected - read} bytes short in stripe {stripe} (chunk size {chunkSize}).");
        }
    }
}
