using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Execution;

/// <summary>An immutable view of one committed version of a program's state: values by key, keys in order, and the
/// sparse Merkle tree. Shared by concurrent runs; a commit derives the next view incrementally.</summary>
internal sealed class StateView
{
    private readonly Dictionary<byte[], byte[]> _values;

    private StateView(long version, Dictionary<byte[], byte[]> values, byte[][] sortedKeys, SparseMerkleTree tree)
    {
        Version = version;
        _values = values;
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

    /// <summary>The view after <paramref name="writes"/> at <paramref name="version"/>. Costs a copy of the value map,
    /// one tree path per written key, and a merge of the key order only when keys appear or disappear.</summary>
    public StateView Apply(IReadOnlyList<StateWrite> writes, long version)
    {
        var values = new Dictionary<byte[], byte[]>(_values, ByteArrayComparer.Instance);
        var tree = Tree;
        HashSet<byte[]>? added = null;
        HashSet<byte[]>? removed = null;
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (write.Value is null)
            {
                if (values.Remove(write.Key))
                {
                    tree = tree.Remove(write.Key);
                    if (added is not null && added.Remove(write.Key))
                    {
                        continue; // added and removed again by these writes: never in the key order
                    }

                    (removed ??= new HashSet<byte[]>(ByteArrayComparer.Instance)).Add(write.Key);
                }
            }
            else
            {
                if (values.TryAdd(write.Key, write.Value))
                {
                    if (removed is null || !removed.Remove(write.Key))
                    {
                        (added ??= new HashSet<byte[]>(ByteArrayComparer.Instance)).Add(write.Key);
                    }
                }
                else
                {
                    values[write.Key] = write.Value;
                }

                tree = tree.Set(write.Key, write.Value);
            }
        }

        var keys = added is null && removed is null ? SortedKeys : MergeKeys(SortedKeys, added, removed);
        return new StateView(version, values, keys, tree);
    }

    /// <summary>The key order after the <paramref name="appeared"/> keys appear and the <paramref name="removed"/> ones go.</summary>
    private static byte[][] MergeKeys(byte[][] sorted, HashSet<byte[]>? appeared, HashSet<byte[]>? removed)
    {
        byte[][]? added = null;
        if (appeared is not null)
        {
            added = new byte[appeared.Count][];
            appeared.CopyTo(added);
            Array.Sort(added, ByteArrayComparer.Instance);
        }

        var count = sorted.Length + (added?.Length ?? 0) - (removed?.Count ?? 0);
        var keys = new byte[count][];
        int from = 0, next = 0, to = 0;
        while (from < sorted.Length || (added is not null && next < added.Length))
        {
            if (from < sorted.Length && (added is null || next >= added.Length || ByteArrayComparer.Instance.Compare(sorted[from], added[next]) < 0))
            {
                var key = sorted[from++];
                if (removed is null || !removed.Contains(key))
                {
                    keys[to++] = key;
                }
            }
            else
            {
                keys[to++] = added![next++];
            }
        }

        return keys;
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
