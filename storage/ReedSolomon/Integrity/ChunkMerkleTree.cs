using System.Security.Cryptography;

namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// A binary SHA-256 Merkle tree over the fixed-size chunks of one fragment, for audits: a storage provider proves it
/// holds chunk i by sending the chunk and its proof, and anyone holding the root checks them.
/// </summary>
/// <remarks>
/// Encoding (domain separated, so a leaf can never pass for an inner node or the reverse):
/// leaf = SHA-256(0x00 || chunk bytes); node = SHA-256(0x01 || left child || right child). Leaves are paired left to
/// right on each level; when a level has an odd number of nodes, the last one is carried up to the next level
/// unchanged (not duplicated). A tree of one chunk has that chunk's leaf hash as root. The leaf count is part of what
/// a verifier must know (it fixes where nodes are carried up); the blob manifest records it as the chunk count.
/// A proof is the sibling hashes met on the way from the leaf to the root, 32 bytes each, lowest level first; a
/// level where the node is carried up contributes no hash.
/// </remarks>
public sealed class ChunkMerkleTree
{
    /// <summary>The size of every hash in the tree and in proofs.</summary>
    public const int HashSize = 32;

    private const byte LeafTag = 0x00;
    private const byte NodeTag = 0x01;

    // levels[0] holds the leaf hashes, the last level the root; each level is its hashes back to back.
    private readonly byte[][] _levels;

    private ChunkMerkleTree(byte[][] levels)
    {
        _levels = levels;
    }

    /// <summary>The number of chunks (leaves).</summary>
    public int LeafCount => _levels[0].Length / HashSize;

    /// <summary>The root hash, 32 bytes.</summary>
    public ReadOnlySpan<byte> Root => _levels[^1];

    /// <summary>The tree over <paramref name="data"/> cut into chunks of <paramref name="chunkSize"/> bytes.</summary>
    /// <param name="data">The fragment. Its last chunk may be shorter; empty data is one empty chunk.</param>
    /// <param name="chunkSize">Bytes per chunk, at least 1.</param>
    /// <exception cref="ErasureCodingException"><see cref="ErasureCodingError.InvalidSize"/> for a chunk size below 1.</exception>
    public static ChunkMerkleTree Build(ReadOnlySpan<byte> data, int chunkSize)
    {
        if (chunkSize < 1)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidSize, $"Chunk size {chunkSize} is below 1 byte.");
        }

        var leafCount = Math.Max(1, (int)(((long)data.Length + chunkSize - 1) / chunkSize));
        var leaves = new byte[leafCount * HashSize];
        for (var i = 0; i < leafCount; i++)
        {
            var start = (long)i * chunkSize;
            var chunk = data.Slice((int)start, (int)Math.Min(chunkSize, data.Length - start));
            HashLeaf(chunk, leaves.AsSpan(i * HashSize, HashSize));
        }

        return FromLeafHashes(leaves);
    }

    /// <summary>The tree over leaf hashes already computed with <see cref="HashLeaf(ReadOnlySpan{byte}, Span{byte})"/>, given back to back.</summary>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.InvalidSize"/> when the input is empty or not a whole number of hashes.
    /// </exception>
    public static ChunkMerkleTree FromLeafHashes(ReadOnlySpan<byte> leafHashes)
    {
        if (leafHashes.Length == 0 || leafHashes.Length % HashSize != 0)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidSize,
                $"Leaf hashes must be a non-empty multiple of {HashSize} bytes; got {leafHashes.Length}.");
        }

        var levels = new List<byte[]> { leafHashes.ToArray() };
        Span<byte> pair = stackalloc byte[1 + (2 * HashSize)];
        while (levels[^1].Length > HashSize)
        {
            var below = levels[^1];
            var count = below.Length / HashSize;
            var above = new byte[(count + 1) / 2 * HashSize];
            for (var i = 0; i + 1 < count; i += 2)
            {
                HashNode(below.AsSpan(i * HashSize, HashSize), below.AsSpan((i + 1) * HashSize, HashSize),
                    above.AsSpan(i / 2 * HashSize, HashSize), pair);
            }

            if (count % 2 == 1)
            {
                below.AsSpan((count - 1) * HashSize, HashSize).CopyTo(above.AsSpan((count - 1) / 2 * HashSize));
            }

            levels.Add(above);
        }

        return new ChunkMerkleTree([.. levels]);
    }

    /// <summary>The leaf hash of one chunk: SHA-256(0x00 || chunk), written to 32 bytes of <paramref name="destination"/>.</summary>
    public static void HashLeaf(ReadOnlySpan<byte> chunk, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        HashLeaf(hash, chunk, destination);
    }

    /// <summary>The proof for chunk <paramref name="index"/>: sibling hashes from the leaf level up, 32 bytes each.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not that of a chunk.</exception>
    public byte[] GetProof(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, LeafCount);
        var proof = new List<byte>();
        for (var level = 0; level < _levels.Length - 1; level++)
        {
            var count = _levels[level].Length / HashSize;
            var sibling = index ^ 1;
            if (sibling < count)
            {
                proof.AddRange(_levels[level].AsSpan(sibling * HashSize, HashSize));
            }

            index /= 2;
        }

        return [.. proof];
    }

    /// <summary>
    /// Whether <paramref name="chunk"/> is chunk <paramref name="index"/> of a tree of <paramref name="leafCount"/>
    /// leaves with root <paramref name="root"/>, by <paramref name="proof"/>. Any other input (a flipped bit, another
    /// index, a proof of the wrong length, an index out of range) gives false.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> root, int leafCount, int index, ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> proof)
    {
        if (root.Length != HashSize || leafCount < 1 || index < 0 || index >= leafCount || proof.Length % HashSize != 0)
        {
            return false;
        }

        Span<byte> current = stackalloc byte[HashSize];
        Span<byte> pair = stackalloc byte[1 + (2 * HashSize)];
        HashLeaf(chunk, current);
        var offset = 0;
        for (var count = leafCount; count > 1; count = (count + 1) / 2, index /= 2)
        {
            var hasSibling = (index ^ 1) < count;
            if (!hasSibling)
            {
                continue;
            }

            if (offset + HashSize > proof.Length)
            {
                return false;
            }

            var sibling = proof.Slice(offset, HashSize);
            offset += HashSize;
            if ((index & 1) == 0)
            {
                HashNode(current, sibling, current, pair);
            }
            else
            {
                HashNode(sibling, current, current, pair);
            }
        }

        return offset == proof.Length && CryptographicOperations.FixedTimeEquals(current, root);
    }

    internal static void HashLeaf(IncrementalHash hash, ReadOnlySpan<byte> chunk, Span<byte> destination)
    {
        ReadOnlySpan<byte> tag = [LeafTag];
        hash.AppendData(tag);
        hash.AppendData(chunk);
        hash.GetHashAndReset(destination[..HashSize]);
    }

    // pair is 65 bytes of scratch; destination may alias left or right.
    private static void HashNode(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination, Span<byte> pair)
    {
        pair[0] = NodeTag;
        left.CopyTo(pair[1..]);
        right.CopyTo(pair[(1 + HashSize)..]);
        SHA256.HashData(pair, destination);
    }
}
