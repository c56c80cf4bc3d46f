using System.Buffers.Binary;
using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;

using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>The state host functions: reads see the overlay first, writes go only to the overlay.</summary>
internal sealed partial class OnvmRunState
{
    /// <summary>Fuel for one key applied to the sparse Merkle tree by <c>onvm_state_root</c> (about 256 hashes).</summary>
    public const int StateRootFuelPerKey = 600;

    private readonly SortedDictionary<byte[], byte[]?> _overlay = new(ByteArrayComparer.Instance);
    private readonly HashSet<byte[]> _readKeys = new(ByteArrayComparer.Instance);
    private readonly List<byte[]> _readPrefixes = [];
    private bool _readEverything;
    private readonly List<byte[]> _rootPending = [];
    private SparseMerkleTree? _overlayTree;
    private long _overlayBytes;

    /// <summary>The buffered writes in key order (null value = delete).</summary>
    public List<StateWrite> Writes()
    {
        var writes = new List<StateWrite>(_overlay.Count);
        foreach (var (key, value) in _overlay)
        {
            writes.Add(new StateWrite { Key = key, Value = value });
        }

        return writes;
    }

    /// <summary>What the run read of the committed state: the keys it looked up, the prefixes it listed, or everything
    /// (it asked for the root).</summary>
    public StateReadSet Reads() => new() { Keys = [.. _readKeys], Prefixes = [.. _readPrefixes], Everything = _readEverything };

    /// <summary><c>onvm_state_put(key_ptr, key_len, val_ptr, val_len) → i32</c>: 0; −1 key unreadable; −2 value
    /// unreadable; −3 key, value or the run's total writes over the limit.</summary>
    public int StatePut(Caller caller, int keyPtr, int keyLength, int valuePtr, int valueLength)
    {
        Charge(caller, (long)(uint)keyLength + (uint)valueLength);
        if (!TryGet(caller, keyPtr, keyLength, out var key))
        {
            return -1;
        }

        if (!TryGet(caller, valuePtr, valueLength, out var value))
        {
            return -2;
        }

        if (key.Length > _options.MaxStateKeyBytes || value.Length > _options.MaxStateValueBytes ||
            _overlayBytes + key.Length + value.Length > _options.MaxStateWriteBytesPerRun)
        {
            return -3;
        }

        _overlayBytes += key.Length + value.Length;
        var k = key.ToArray();
        _overlay[k] = value.ToArray();
        _rootPending.Add(k);
        return 0;
    }

    /// <summary><c>onvm_state_del(key_ptr, key_len) → i32</c>: 0; −1 key unreadable.</summary>
    public int StateDel(Caller caller, int keyPtr, int keyLength)
    {
        Charge(caller, keyLength);
        if (!TryGet(caller, keyPtr, keyLength, out var key))
        {
            return -1;
        }

        var k = key.ToArray();
        _overlay[k] = null;
        _rootPending.Add(k);
        return 0;
    }

    /// <summary><c>onvm_state_get(key_ptr, key_len, out_ptr, out_cap) → i32</c>: the length; 0 when missing,
    /// deleted or empty; −needed when out_cap is too small; −2 key unreadable; −4 output unwritable.</summary>
    public int StateGet(Caller caller, int keyPtr, int keyLength, int outPtr, int outCapacity)
    {
        Charge(caller, keyLength);
        if (!TryGet(caller, keyPtr, keyLength, out var key))
        {
            return -2;
        }

        var value = Lookup(key);
        if (value is null || value.Length == 0)
        {
            return 0;
        }

        if ((uint)outCapacity < (uint)value.Length)
        {
            return -value.Length;
        }

        Charge(caller, value.Length);
        if (!TryGet(caller, outPtr, value.Length, out var destination))
        {
            return -4;
        }

        value.CopyTo(destination);
        return value.Length;
    }

    /// <summary><c>onvm_state_exists(key_ptr, key_len) → i32</c>: 1 or 0 (an empty value exists); −3 key
    /// unreadable.</summary>
    public int StateExists(Caller caller, int keyPtr, int keyLength)
    {
        Charge(caller, keyLength);
        return !TryGet(caller, keyPtr, keyLength, out var key) ? -3 : Lookup(key) is null ? 0 : 1;
    }

    /// <summary><c>onvm_state_len(key_ptr, key_len) → i64</c>: the length; −1 missing; −2 key unreadable.</summary>
    public long StateLen(Caller caller, int keyPtr, int keyLength)
    {
        Charge(caller, keyLength);
        return !TryGet(caller, keyPtr, keyLength, out var key) ? -2 : Lookup(key)?.Length ?? -1;
    }

    /// <summary><c>onvm_state_list(prefix_ptr, prefix_len, out_ptr, out_cap) → i32</c>: writes the sorted keys
    /// with the prefix as repeated [u32 LE length][key] and returns the byte count; −total when out_cap is too
    /// small; −2 prefix unreadable; −4 output unwritable.</summary>
    public int StateList(Caller caller, int prefixPtr, int prefixLength, int outPtr, int outCapacity)
    {
        Charge(caller, prefixLength);
        if (!TryGet(caller, prefixPtr, prefixLength, out var prefixSpan))
        {
            return -2;
        }

        var prefix = prefixSpan.ToArray();
        _readPrefixes.Add(prefix);
        var keys = new List<byte[]>();
        var committed = State.KeysWithPrefix(prefix);
        var overlay = new List<KeyValuePair<byte[], byte[]?>>();
        foreach (var pair in _overlay)
        {
            if (pair.Key.AsSpan().StartsWith(prefix))
            {
                overlay.Add(pair);
            }
        }

        // Merge the two sorted sequences; the overlay wins on equal keys and hides deleted ones.
        int i = 0, j = 0;
        while (i < committed.Count || j < overlay.Count)
        {
            var c = i < committed.Count && j < overlay.Count
                ? ByteArrayComparer.Instance.Compare(committed[i], overlay[j].Key)
                : i < committed.Count ? -1 : 1;
            if (c < 0)
            {
                keys.Add(committed[i++]);
                continue;
            }

            if (c == 0)
            {
                i++;
            }

            if (overlay[j].Value is not null)
            {
                keys.Add(overlay[j].Key);
            }

            j++;
        }

        long total = 0;
        foreach (var key in keys)
        {
            total += 4 + key.Length;
        }

        Charge(caller, total, keys.Count);
        if (total > int.MaxValue)
        {
            return int.MinValue + 1;
        }

        if ((uint)outCapacity < total)
        {
            return -(int)total;
        }

        if (!TryGet(caller, outPtr, (int)total, out var destination))
        {
            return -4;
        }

        var offset = 0;
        foreach (var key in keys)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], (uint)key.Length);
            key.CopyTo(destination[(offset + 4)..]);
            offset += 4 + key.Length;
        }

        return (int)total;
    }

    /// <summary><c>onvm_state_root(out_ptr) → i32</c>: writes the 32-byte sparse Merkle root of committed state
    /// merged with the overlay; 0; −1 output unwritable.</summary>
    public int StateRoot(Caller caller, int outPtr)
    {
        _readEverything = true;
        _overlayTree ??= State.Tree;
        Charge(caller, 32, (long)_rootPending.Count * StateRootFuelPerKey);
        foreach (var key in _rootPending)
        {
            var value = _overlay[key];
            _overlayTree = value is null ? _overlayTree.Remove(key) : _overlayTree.Set(key, value);
        }

        _rootPending.Clear();
        if (!TryGet(caller, outPtr, 32, out var destination))
        {
            return -1;
        }

        _overlayTree.GetRoot().CopyTo(destination);
        return 0;
    }

    private byte[]? Lookup(ReadOnlySpan<byte> key)
    {
        var k = key.ToArray();
        if (_overlay.TryGetValue(k, out var value))
        {
            return value;
        }

        _readKeys.Add(k);
        return State.Values.GetValueOrDefault(k);
    }
}
