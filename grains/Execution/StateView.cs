using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Execution;

/// <summary>An immutable view of one committed version of a program's state: values by key, keys in order, and the
/// sparse Merkle tree. Shared by concurrent runs; a commit derives the next view incrementally.</summary>
internal sealed class StateView
{
    private StateView(long version, Dictionary<byte[], byte[]> values, byte[][] sortedKeys, SparseMerkleTree tree)
    {
        Version = version;
        Values = values;
        SortedKeys = sortedKeys;
        Tree = tree;
    }

    /// <summary>A program's state before its first write: version 0, no keys.</summary>
    public static StateView Empty { get; } = new(0, new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance), [], SparseMerkleTree.Empty);

    /// <summary>The committed version.</summary>
    public long Version { get; }

    /// <summary>Values by key.</summary>
    public IReadOnlyDictionary<byte[], byte[]> Values { get; }

    /// <summary>Every key in bytewise order.</summary>
    public byte[][] SortedKeys { get; }

    /// <summary>The sparse Merkle tree of the values.</summary>
    public SparseMerkleTree Tree { get; }

    /// <summary>The root, 64 hex.</summary>
    public string Root => Tree.GetRootHex();

    /// <summary>A view of a snapshot.</summary>
    public static StateView FromSnapshot(StateSnapshot snapshot)
    {
        var values = new Dictionary<byte[], byte[]>(snapshot.Entries.Count, ByteArrayComparer.Instance);
        foreach (var entry in snapshot.Entries)
        {
            values[entry.Key] = entry.Value;
        }

        var keys = values.Keys.ToArray();
        Array.Sort(keys, ByteArrayComparer.Instance);
        var tree = SparseMerkleTree.Build(values);
        return new StateView(snapshot.Version, values, keys, tree);
    }

    /// <summary>The view after <paramref name="writes"/> at <paramref name="version"/>.</summary>
    public StateView Apply(IReadOnlyList<StateWrite> writes, long version)
    {
        var values = new Dictionary<byte[], byte[]>(Values, ByteArrayComparer.Instance);
        var tree = Tree;
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                values.Remove(write.Key);
                tree = tree.Remove(write.Key);
            }
            else
            {
                values[write.Key] = write.Value;
                tree = tree.Set(write.Key, write.Value);
            }
        }

        var keys = values.Keys.ToArray();
        Array.Sort(keys, ByteArrayComparer.Instance);
        return new StateView(version, values, keys, tree);
    }

    /// <summary>The keys starting with <paramref name="prefix"/>, in order.</summary>
    public List<byte[]> KeysWithPrefix(byte[] prefix)
    {
        var start = Array.BinarySearch(SortedKeys, prefix, ByteArrayComparer.Instance);
        if (start < 0)
        {
            start = ~start;
        }

        var keys = new List<byte[]>();
        for (var i = start; i < SortedKeys.Length && SortedKeys[i].AsSpan().StartsWith(prefix); i++)
        {
            keys.Add(SortedKeys[i]);
        }

        return keys;
    }
}
