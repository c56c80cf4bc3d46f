namespace Marketplace.Crypto.Hashing;

/// <summary>Single-key proofs: 256 sibling hashes from the leaf level up to the root's children.</summary>
public sealed partial class SparseMerkleTree
{
    /// <summary>The proof for <paramref name="key"/>: 256 sibling hashes, the first beside the leaf (depth 256), the
    /// last beside the root's child (depth 1). It proves membership when the key is present, else absence (the key's
    /// path then ends in <see cref="EmptySubtree"/>).</summary>
    public byte[][] GetProof(ReadOnlySpan<byte> key)
    {
        Span<byte> keyHash = stackalloc byte[32];
        Blake3.Hash(key, keyHash);

        // siblings[level] is the sibling of the key's path node at depth level + 1; filled top-down.
        var siblings = new byte[Depth][];
        var node = _root;
        var level = 0;
        while (level < Depth)
        {
            if (node is null)
            {
                siblings[level++] = EmptySubtree.ToArray();
                continue;
            }

            var diverge = Math.Min(CommonPrefix(keyHash, node.AnyKeyHash), node.Level);
            if (level < diverge)
            {
                // The node's subtree lies on the key's side at these levels: the siblings are empty.
                siblings[level++] = EmptySubtree.ToArray();
                continue;
            }

            if (level < node.Level)
            {
                // The key leaves the node's prefix here: the whole node is the sibling, below is empty.
                var lifted = new byte[32];
                Lift(node, level + 1, lifted);
                siblings[level++] = lifted;
                node = null;
                continue;
            }

            // level == node.Level < 256: a branch; step into the key's side.
            var branch = (Branch)node;
            if (Bit(keyHash, level) == 0)
            {
                siblings[level++] = (byte[])branch.RightTop.Clone();
                node = branch.Left;
            }
            else
            {
                siblings[level++] = (byte[])branch.LeftTop.Clone();
                node = branch.Right;
            }
        }

        Array.Reverse(siblings);
        return siblings;
    }

    /// <summary>Checks that <paramref name="key"/> holds <paramref name="value"/> under <paramref name="root"/>.</summary>
    /// <exception cref="CryptoFormatException">The root or a sibling is not 32 bytes, or there are not 256 siblings.</exception>
    public static bool VerifyMembership(
        ReadOnlySpan<byte> root, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, IReadOnlyList<byte[]> siblings)
    {
        Span<byte> keyHash = stackalloc byte[32];
        Span<byte> valueHash = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Blake3.Hash(key, keyHash);
        Blake3.Hash(value, valueHash);
        HashLeaf(keyHash, valueHash, h);
        return Climb(root, keyHash, h, siblings);
    }

    /// <summary>Checks that <paramref name="key"/> is absent under <paramref name="root"/>.</summary>
    /// <exception cref="CryptoFormatException">The root or a sibling is not 32 bytes, or there are not 256 siblings.</exception>
    public static bool VerifyNonMembership(ReadOnlySpan<byte> root, ReadOnlySpan<byte> key, IReadOnlyList<byte[]> siblings)
    {
        Span<byte> keyHash = stackalloc byte[32];
        Span<byte> h = stackalloc byte[32];
        Blake3.Hash(key, keyHash);
        EmptySubtree.CopyTo(h);
        return Climb(root, keyHash, h, siblings);
    }

    private static bool Climb(ReadOnlySpan<byte> root, ReadOnlySpan<byte> keyHash, Span<byte> h, IReadOnlyList<byte[]> siblings)
    {
        ArgumentNullException.ThrowIfNull(siblings);
        if (root.Length != 32)
        {
            throw new CryptoFormatException($"a sparse Merkle root is 32 bytes, got {root.Length}");
        }

        if (siblings.Count != Depth)
        {
            throw new CryptoFormatException($"a sparse Merkle proof has {Depth} siblings, got {siblings.Count}");
        }

        for (var i = 0; i < Depth; i++)
        {
            var sibling = siblings[i];
            if (sibling is null || sibling.Length != 32)
            {
                throw new CryptoFormatException($"sibling {i} of a sparse Merkle proof is not 32 bytes");
            }

            var level = Depth - 1 - i;
            if (h.SequenceEqual(EmptySubtree) && sibling.AsSpan().SequenceEqual(EmptySubtree))
            {
                continue; // two empty children make an empty subtree
            }

            if (Bit(keyHash, level) == 0)
            {
                HashNode(h, sibling, h);
            }
            else
            {
                HashNode(sibling, h, h);
            }
        }

        return h.SequenceEqual(root);
    }
}
