using System.Buffers;
using System.Security.Cryptography;

namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// The per-blob state of an encode: one pooled stripe buffer of k + m chunks, the fragments' running SHA-256 and
/// their leaf hashes. The caller fills <see cref="DataArea"/>, calls <see cref="EncodeStripe"/>, then takes the
/// shards out with <see cref="Shard"/>.
/// </summary>
internal sealed class StripeEncoder : IDisposable
{
    private readonly ReedSolomonCodec _codec;
    private readonly byte[] _buffer;
    private readonly Memory<byte>[] _shards;
    private readonly IncrementalHash[] _fragmentHashes;
    private readonly IncrementalHash _leafHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[][] _leafHashes;
    private readonly long _blobLength;

    public StripeEncoder(ReedSolomonCodec codec, long blobLength, int maxChunkSize)
    {
        _codec = codec;
        _blobLength = blobLength;
        (ChunkSize, ChunkCount) = BlobLayout.For(blobLength, codec.DataShards, maxChunkSize);
        _buffer = ArrayPool<byte>.Shared.Rent(codec.TotalShards * ChunkSize);
        _shards = new Memory<byte>[codec.TotalShards];
        _fragmentHashes = new IncrementalHash[codec.TotalShards];
        _leafHashes = new byte[codec.TotalShards][];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = _buffer.AsMemory(i * ChunkSize, ChunkSize);
            _fragmentHashes[i] = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            _leafHashes[i] = new byte[ChunkCount * ChunkMerkleTree.HashSize];
        }
    }

    public int ChunkSize { get; }

    public int ChunkCount { get; }

    public long FragmentLength => (long)ChunkSize * ChunkCount;

    /// <summary>The blob bytes stripe <paramref name="stripe"/> holds (the last stripe may hold fewer than a full one).</summary>
    public int DataBytes(int stripe) =>
        (int)Math.Min((long)_codec.DataShards * ChunkSize, _blobLength - ((long)stripe * _codec.DataShards * ChunkSize));

    /// <summary>Where the stripe's blob bytes go: the k data shards back to back.</summary>
    public Memory<byte> DataArea => _buffer.AsMemory(0, _codec.DataShards * ChunkSize);

    /// <summary>Shard <paramref name="index"/> of the current stripe: chunk number "stripe" of fragment <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> Shard(int index) => _shards[index];

    /// <summary>Pads the data area after <paramref name="dataBytes"/> with zeros, computes the parity and hashes every shard.</summary>
    public void EncodeStripe(int stripe, int dataBytes)
    {
        DataArea.Span[dataBytes..].Clear();
        _codec.Encode(_shards);
        for (var i = 0; i < _shards.Length; i++)
        {
            var shard = _shards[i].Span;
            _fragmentHashes[i].AppendData(shard);
            ChunkMerkleTree.HashLeaf(_leafHash, shard, _leafHashes[i].AsSpan(stripe * ChunkMerkleTree.HashSize));
        }
    }

    /// <summary>The manifest, once every stripe is encoded.</summary>
    public BlobManifest Finish()
    {
        var digests = new FragmentDigest[_shards.Length];
        Span<byte> sha = stackalloc byte[ChunkMerkleTree.HashSize];
        for (var i = 0; i < digests.Length; i++)
        {
            _fragmentHashes[i].GetHashAndReset(sha);
            digests[i] = new FragmentDigest(sha, ChunkMerkleTree.FromLeafHashes(_leafHashes[i]).Root);
        }

        return new BlobManifest(_codec.DataShards, _codec.ParityShards, _blobLength, ChunkSize, ChunkCount, digests);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _leafHash.Dispose();
        foreach (var hash in _fragmentHashes)
        {
            hash.Dispose();
        }
    }
}
