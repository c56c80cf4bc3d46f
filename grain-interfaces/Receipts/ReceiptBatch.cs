// Design: the tree is the Merkle tree of RFC 9162 (section 2.1): leaves hashed with a 0x00 prefix and interior nodes
// with 0x01, so a leaf can never pass for a node, and an n-leaf tree split at the largest power of two below n, so
// any size is allowed and a proof's length follows from (index, size) alone. What a worker signs binds the sequence
// number and size with the root, so a proof cannot be replayed against another batch of the same worker.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Receipts signed in batches: the Merkle root over the receipts' hashes, each receipt's inclusion proof, and the
/// message a worker signs for a batch. Everything here is recomputable offline.
/// </summary>
public static class ReceiptBatch
{
    /// <summary>The largest batch a proof may describe.</summary>
    public const int MaxSize = 4096;

    private const int HashBytes = ReceiptCodec.HashBytes;
    private static readonly byte[] SigningTag = "marketplace/receipt-batch/v1"u8.ToArray();

    /// <summary>The leaf of a receipt: SHA-256(0x00 ‖ receipt hash).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> receiptHash)
    {
        if (receiptHash.Length != HashBytes)
        {
            throw new ArgumentException($"a receipt hash is {HashBytes} bytes", nameof(receiptHash));
        }

        Span<byte> buffer = stackalloc byte[1 + HashBytes];
        buffer[0] = 0;
        receiptHash.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The message a worker signs for a batch: SHA-256(ASCII <c>marketplace/receipt-batch/v1</c> ‖ u64
    /// sequence ‖ u32 size ‖ root), integers big-endian.</summary>
    public static byte[] SigningHash(long sequence, int size, ReadOnlySpan<byte> root)
    {
        if (root.Length != HashBytes)
        {
            throw new ArgumentException($"a batch root is {HashBytes} bytes", nameof(root));
        }

        Span<byte> buffer = stackalloc byte[28 + 8 + 4 + HashBytes];
        SigningTag.CopyTo(buffer);
        BinaryPrimitives.WriteInt64BigEndian(buffer[28..], sequence);
        BinaryPrimitives.WriteInt32BigEndian(buffer[36..], size);
        root.CopyTo(buffer[40..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The signing hash of <paramref name="proof"/>'s batch.</summary>
    public static byte[] SigningHash(ReceiptBatchProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return SigningHash(proof.Sequence, proof.Size, proof.Root);
    }

    /// <summary>
    /// The root over <paramref name="receiptHashes"/> (2 to <see cref="MaxSize"/>, 32 bytes each) and every receipt's
    /// audit path, in the order given.
    /// </summary>
    public static (byte[] Root, byte[][] Paths) Build(IReadOnlyList<byte[]> receiptHashes)
    {
        ArgumentNullException.ThrowIfNull(receiptHashes);
        var size = receiptHashes.Count;
        if (size is < 1 or > MaxSize)
        {
            throw new ArgumentException($"a batch holds 1 to {MaxSize} receipts, not {size}", nameof(receiptHashes));
        }

        var leaves = new byte[size][];
        for (var i = 0; i < size; i++)
        {
            leaves[i] = LeafHash(receiptHashes[i]);
        }

        var paths = new List<byte[]>[size];
        for (var i = 0; i < size; i++)
        {
            paths[i] = [];
        }

        var root = Subtree(leaves, 0, size, paths);
        var flat = new byte[size][];
        for (var i = 0; i < size; i++)
        {
            flat[i] = new byte[paths[i].Count * HashBytes];
            for (var j = 0; j < paths[i].Count; j++)
            {
                paths[i][j].CopyTo(flat[i], j * HashBytes);
            }
        }

        return (root, flat);
    }

    /// <summary>
    /// The root that <paramref name="receiptHash"/> at <paramref name="index"/> of a batch of <paramref name="size"/>
    /// leads to along <paramref name="path"/>, or null when the path's shape does not fit (index past the size, a size
    /// out of range, a path of the wrong length).
    /// </summary>
    public static byte[]? RootFromPath(ReadOnlySpan<byte> receiptHash, int index, int size, ReadOnlySpan<byte> path)
    {
        if (receiptHash.Length != HashBytes || size is < 2 or > MaxSize || index < 0 || index >= size || path.Length % HashBytes != 0)
        {
            return null;
        }

        var node = LeafHash(receiptHash);
        long fn = index;
        long sn = size - 1;
        for (var at = 0; at < path.Length; at += HashBytes)
        {
            if (sn == 0)
            {
                return null;
            }

            var sibling = path.Slice(at, HashBytes);
            if ((fn & 1) == 1 || fn == sn)
            {
                node = Node(sibling, node);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                node = Node(node, sibling);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? node : null;
    }

    private static byte[] Subtree(byte[][] leaves, int start, int count, List<byte[]>[] paths)
    {
        if (count == 1)
        {
            return leaves[start];
        }

        var split = 1;
        while (split * 2 < count)
        {
            split *= 2;
        }

        var left = Subtree(leaves, start, split, paths);
        var right = Subtree(leaves, start + split, count - split, paths);
        for (var i = start; i < start + split; i++)
        {
            paths[i].Add(right);
        }

        for (var i = start + split; i < start + count; i++)
        {
            paths[i].Add(left);
        }

        return Node(left, right);
    }

    private static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + HashBytes + HashBytes];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashBytes)..]);
        return SHA256.HashData(buffer);
    }
}
