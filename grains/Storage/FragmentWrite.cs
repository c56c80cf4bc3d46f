// Design: a fragment written in pieces. The pieces arrive in order, each a whole number of chunks (the last chunk of a
// fragment is whole too: fragments are ChunkSize x ChunkCount bytes), into a .partial file; each chunk's leaf hash is
// computed as it arrives, and the fragment's SHA-256 with it, so at commit the provider writes both beside the
// fragment without reading it again (its signed commitment is made from them). Readers trust none of it: they check
// the hashes against the Merkle root the deal recorded, then each chunk against its hash.
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

/// <summary>One fragment being written piece by piece (owned by <see cref="FragmentStore"/>).</summary>
internal sealed class FragmentWrite : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly byte[] _leaves;
    private readonly System.Security.Cryptography.IncrementalHash _sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

    public FragmentWrite(string temporaryPath, long length, int chunkSize, long reserved)
    {
        if (chunkSize < 1 || length < 1 || length % chunkSize != 0 || length / chunkSize > int.MaxValue)
        {
            throw new InvalidRequestException($"fragment: {length} bytes in chunks of {chunkSize} is not a whole number of chunks");
        }

        Length = length;
        ChunkSize = chunkSize;
        Reserved = reserved;
        TemporaryPath = temporaryPath;
        _leaves = new byte[checked((int)(length / chunkSize) * ChunkMerkleTree.HashSize)];
        _file = new FileStream(temporaryPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
    }

    /// <summary>The fragment's full length.</summary>
    public long Length { get; }

    /// <summary>Bytes per chunk.</summary>
    public int ChunkSize { get; }

    /// <summary>Bytes of quota this write took (its length less the fragment it replaces).</summary>
    public long Reserved { get; }

    /// <summary>Where the bytes go until the commit.</summary>
    public string TemporaryPath { get; }

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>Appends a piece at <paramref name="offset"/> (which must be <see cref="Written"/>).</summary>
    public async Task AppendAsync(long offset, ReadOnlyMemory<byte> piece)
    {
        if (offset != Written)
        {
            throw new InvalidRequestException($"fragment piece at offset {offset}; the next piece starts at {Written}");
        }

        if (piece.Length % ChunkSize != 0 || Written + piece.Length > Length)
        {
            throw new InvalidRequestException($"fragment piece of {piece.Length} bytes at {offset}: pieces are whole chunks of {ChunkSize} bytes within {Length}");
        }

        var first = (int)(Written / ChunkSize);
        for (var c = 0; c * ChunkSize < piece.Length; c++)
        {
            ChunkMerkleTree.HashLeaf(piece.Span.Slice(c * ChunkSize, ChunkSize), _leaves.AsSpan((first + c) * ChunkMerkleTree.HashSize, ChunkMerkleTree.HashSize));
        }

        _sha256.AppendData(piece.Span);
        await _file.WriteAsync(piece);
        Written += piece.Length;
    }

    /// <summary>Flushes the fragment to disk and returns its chunk hashes and its SHA-256; every byte must have been
    /// written.</summary>
    public async Task<(byte[] Leaves, byte[] Sha256)> FinishAsync()
    {
        if (Written != Length)
        {
            throw new InvalidRequestException($"fragment: {Written} of {Length} bytes written; it cannot be committed");
        }

        await _file.FlushAsync();
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync();
        return (_leaves, _sha256.GetHashAndReset());
    }

    public ValueTask DisposeAsync()
    {
        _sha256.Dispose();
        return _file.DisposeAsync();
    }
}
