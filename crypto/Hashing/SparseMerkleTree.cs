// Design note: ONVM's sparse Merkle tree (seeds.md §4.3): keys are Blake3(key) walked MSB first over 256 levels,
// leaf = Blake3("leaf" ‖ keyHash ‖ Blake3(value)), internal = Blake3("node" ‖ left ‖ right), and an empty subtree at
// any level is the constant SMT_EMPTY (so a node whose children are both empty is SMT_EMPTY, never hashed).
//
// Stored as an immutable compressed binary trie: a leaf per key and a branch only where two keys diverge. A branch
// caches its children's hashes lifted to its own depth + 1 (lifting climbs the levels between, with SMT_EMPTY
// siblings), so changing k keys rehashes only their paths (about 256 hashes per key) and returns a new tree that
// shares every untouched node with the old one: snapshots and overlays cost nothing to keep. Building from scratch
// is about 256 hashes per key: each lone leaf has to be lifted through all levels below its divergence point, which
// the hash definition makes unavoidable.

using System.Runtime.CompilerServices;

namespace Marketplace.Crypto.Hashing;

/// <summary>An immutable sparse Merkle tree over (key, value) pairs with ONVM's layout; every change returns a new
/// tree sharing unchanged nodes. Thread-safe.</summary>
public sealed partial class SparseMerkleTree
{
    /// <summary>Number of levels (bits of a key hash).</summary>
    public const int Depth = 256;

    private readonly Node? _root;
    private byte[]? _rootHash;

    private SparseMerkleTree(Node? root, int count)
    {
        _root = root;
        Count = count;
    }

    /// <summary>The tree with no keys (its root is <see cref="EmptySubtree"/>).</summary>
    public static SparseMerkleTree Empty { get; } = new(null, 0);

    /// <summary>SMT_EMPTY: the 31 ASCII bytes <c>onvm-smt-empty-onvm-smt-empty!!</c> then 0x00, the hash of an empty
    /// subtree at every level.</summary>
    public static ReadOnlySpan<byte> EmptySubtree => "onvm-smt-empty-onvm-smt-empty!!\0"u8;

    /// <summary>Number of keys.</summary>
    public int Count { get; }

    /// <summary>Builds a tree from pairs (a later duplicate key wins).</summary>
    public static SparseMerkleTree Build(IEnumerable<KeyValuePair<byte[], byte[]>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var byHash = new Dictionary<string, Leaf>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            var leaf = Leaf.Create(key, value);
            byHash[Convert.ToHexString(leaf.KeyHash)] = leaf;
        }

        var leaves = byHash.Values.ToArray();
        Array.Sort(leaves, static (a, b) => a.KeyHash.AsSpan().SequenceCompareTo(b.KeyHash));
        return new SparseMerkleTree(BuildSorted(leaves), leaves.Length);
    }

    /// <summary>The 32-byte root (computed once per tree).</summary>
    public byte[] GetRoot()
    {
        if (_rootHash is null)
        {
            var root = new byte[32];
            if (_root is null)
            {
                EmptySubtree.CopyTo(root);
            }
            else
            {
                Lift(_root, 0, root);
            }

            _rootHash = root;
        }

        return (byte[])_rootHash.Clone();
    }

    /// <summary>The root as 64 lowercase hex digits.</summary>
    public string GetRootHex() => Convert.ToHexStringLower(GetRoot());

    /// <summary>The tree with <paramref name="key"/> set to <paramref name="value"/> (an empty value is a value).</summary>
    public SparseMerkleTree Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var leaf = Leaf.Create(key, value);
        var root = Insert(_root, leaf, out var added);
        return new SparseMerkleTree(root, added ? Count + 1 : Count);
    }

    /// <summary>The tree without <paramref name="key"/> (this tree when it is absent).</summary>
    public SparseMerkleTree Remove(ReadOnlySpan<byte> key)
    {
        Span<byte> keyHash = stackalloc byte[32];
        Blake3.Hash(key, keyHash);
        var root = Delete(_root, keyHash);
        return ReferenceEquals(root, _root) ? this : new SparseMerkleTree(root, Count - 1);
    }

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool Contains(ReadOnlySpan<byte> key)
    {
        Span<byte> keyHash = stackalloc byte[32];
        Blake3.Hash(key, keyHash);
        var node = _root;
        while (node is Branch b)
        {
            if (CommonPrefix(keyHash, b.AnyKeyHash) < b.Level)
            {
                return false;
            }

            node = Bit(keyHash, b.Level) == 0 ? b.Left : b.Right;
        }

        return node is Leaf leaf && keyHash.SequenceEqual(leaf.KeyHash);
    }

    private static Node? BuildSorted(ReadOnlySpan<Leaf> leaves)
    {
        if (leaves.Length == 0)
        {
            return null;
        }

        if (leaves.Length == 1)
        {
            return leaves[0];
        }

        var level = CommonPrefix(leaves[0].KeyHash, leaves[^1].KeyHash);
        var split = 1;
        while (Bit(leaves[split].KeyHash, level) == 0)
        {
            split++;
        }

        return new Branch(level, BuildSorted(leaves[..split])!, BuildSorted(leaves[split..])!, null, null);
    }

    private static Node Insert(Node? node, Leaf leaf, out bool added)
    {
        added = false;
        switch (node)
        {
            case null:
                added = true;
                return leaf;
            case Leaf existing:
                var cp = CommonPrefix(existing.KeyHash, leaf.KeyHash);
                if (cp == Depth)
                {
                    return leaf;
                }

                added = true;
                return Bit(leaf.KeyHash, cp) == 0
                    ? new Branch(cp, leaf, existing, null, null)
                    : new Branch(cp, existing, leaf, null, null);
            default:
                var branch = (Branch)node;
                var prefix = CommonPrefix(branch.AnyKeyHash, leaf.KeyHash);
                if (prefix < branch.Level)
                {
                    added = true;
                    return Bit(leaf.KeyHash, prefix) == 0
                        ? new Branch(prefix, leaf, branch, null, null)
                        : new Branch(prefix, branch, leaf, null, null);
                }

                return Bit(leaf.KeyHash, branch.Level) == 0
                    ? new Branch(branch.Level, Insert(branch.Left, leaf, out added), branch.Right, null, branch.RightTop)
                    : new Branch(branch.Level, branch.Left, Insert(branch.Right, leaf, out added), branch.LeftTop, null);
        }
    }

    private static Node? Delete(Node? node, ReadOnlySpan<byte> keyHash)
    {
        switch (node)
        {
            case null:
                return null;
            case Leaf leaf:
                return keyHash.SequenceEqual(leaf.KeyHash) ? null : leaf;
            default:
                var branch = (Branch)node;
                if (CommonPrefix(branch.AnyKeyHash, keyHash) < branch.Level)
                {
                    return branch;
                }

                if (Bit(keyHash, branch.Level) == 0)
                {
                    var left = Delete(branch.Left, keyHash);
                    return ReferenceEquals(left, branch.Left) ? branch
                        : left is null ? branch.Right
                        : new Branch(branch.Level, left, branch.Right, null, branch.RightTop);
                }

                var right = Delete(branch.Right, keyHash);
                return ReferenceEquals(right, branch.Right) ? branch
                    : right is null ? branch.Left
                    : new Branch(branch.Level, branch.Left, right, branch.LeftTop, null);
        }
    }

    /// <summary>Writes the hash of <paramref name="node"/>'s subtree seen at depth <paramref name="toDepth"/>
    /// (climbing from its own depth with empty siblings).</summary>
    [SkipLocalsInit]
    private static void Lift(Node node, int toDepth, Span<byte> destination)
    {
        Span<byte> h = stackalloc byte[32];
        node.Hash.CopyTo(h);
        var key = node.AnyKeyHash;
        for (var level = node.Level - 1; level >= toDepth; level--)
        {
            if (Bit(key, level) == 0)
            {
                HashNode(h, EmptySubtree, h);
            }
            else
            {
                HashNode(EmptySubtree, h, h);
            }
        }

        h.CopyTo(destination);
    }

    /// <summary>Internal node hash: Blake3("node" ‖ left ‖ right) into <paramref name="destination"/> (may alias an
    /// input).</summary>
    [SkipLocalsInit]
    internal static void HashNode(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[68];
        "node"u8.CopyTo(input);
        left.CopyTo(input[4..]);
        right.CopyTo(input[36..]);
        Blake3.Hash(input, destination);
    }

    /// <summary>Leaf hash: Blake3("leaf" ‖ keyHash ‖ valueHash).</summary>
    [SkipLocalsInit]
    internal static void HashLeaf(ReadOnlySpan<byte> keyHash, ReadOnlySpan<byte> valueHash, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[68];
        "leaf"u8.CopyTo(input);
        keyHash.CopyTo(input[4..]);
        valueHash.CopyTo(input[36..]);
        Blake3.Hash(input, destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Bit(ReadOnlySpan<byte> keyHash, int level) => (keyHash[level >> 3] >> (7 - (level & 7))) & 1;

    private static int CommonPrefix(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var i = a.CommonPrefixLength(b);
        return i >= 32 ? Depth : (i * 8) + System.Numerics.BitOperations.LeadingZeroCount((uint)(a[i] ^ b[i])) - 24;
    }

    private abstract class Node
    {
        /// <summary>The depth of this subtree's top: 256 for a leaf, the divergence level for a branch.</summary>
        public abstract int Level { get; }

        /// <summary>The hash at <see cref="Level"/>.</summary>
        public abstract byte[] Hash { get; }

        /// <summary>A key hash in this subtree (all share the first <see cref="Level"/> bits).</summary>
        public abstract byte[] AnyKeyHash { get; }
    }

    private sealed class Leaf : Node
    {
        private readonly byte[] _hash;

        private Leaf(byte[] keyHash, byte[] hash)
        {
            KeyHash = keyHash;
            _hash = hash;
        }

        public byte[] KeyHash { get; }

        public override int Level => Depth;

        public override byte[] Hash => _hash;

        public override byte[] AnyKeyHash => KeyHash;

        public static Leaf Create(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            var keyHash = Blake3.Hash(key);
            Span<byte> valueHash = stackalloc byte[32];
            Blake3.Hash(value, valueHash);
            var hash = new byte[32];
            HashLeaf(keyHash, valueHash, hash);
            return new Leaf(keyHash, hash);
        }
    }

    private sealed class Branch : Node
    {
        private readonly int _level;
        private readonly byte[] _hash;

        public Branch(int level, Node left, Node right, byte[]? leftTop, byte[]? rightTop)
        {
            _level = level;
            Left = left;
            Right = right;
            if (leftTop is null)
            {
                leftTop = new byte[32];
                Lift(left, level + 1, leftTop);
            }

            if (rightTop is null)
            {
                rightTop = new byte[32];
                Lift(right, level + 1, rightTop);
            }

            LeftTop = leftTop;
            RightTop = rightTop;
            _hash = new byte[32];
            HashNode(leftTop, rightTop, _hash);
        }

        public Node Left { get; }

        public Node Right { get; }

        /// <summary>The left child's hash at depth <see cref="Level"/> + 1.</summary>
        public byte[] LeftTop { get; }

        /// <summary>The right child's hash at depth <see cref="Level"/> + 1.</summary>
        public byte[] RightTop { get; }

        public override int Level => _level;

        public override byte[] Hash => _hash;

        public override byte[] AnyKeyHash => Left.AnyKeyHash;
    }
}
