// Design note: the committed state of one program. The entries persist as a sorted list in grain state; in memory
// they are also kept as a sorted dictionary and a sparse Merkle tree (built once on activation, then updated per
// commit in about 256 hashes per written key). Commits are optimistic: the writer names the version it read, and a
// stale writer is refused so it can re-run on the new state.

using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;

namespace Marketplace.Grains.Programs;

/// <summary>The persisted state of a program's key-value store.</summary>
[GenerateSerializer]
[Alias("marketplace.program-state-record")]
internal sealed class ProgramStateRecord
{
    /// <summary>Commit count.</summary>
    [Id(0)]
    public long Version { get; set; }

    /// <summary>Entries sorted by key.</summary>
    [Id(1)]
    public List<StateEntry> Entries { get; set; } = [];
}

/// <summary>One program's committed key-value state (key = program id).</summary>
internal sealed class ProgramStateGrain(
    [PersistentState("program-state")] IPersistentState<ProgramStateRecord> record) : Grain, IProgramStateGrain
{
    private SortedDictionary<byte[], byte[]> _values = new(ByteArrayComparer.Instance);
    private SparseMerkleTree _tree = SparseMerkleTree.Empty;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _values = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        foreach (var entry in record.State.Entries)
        {
            _values[entry.Key] = entry.Value;
        }

        _tree = SparseMerkleTree.Build(_values);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StateSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot());

    /// <inheritdoc />
    public Task<StateSnapshot?> GetSnapshotIfChangedAsync(long knownVersion) =>
        Task.FromResult(knownVersion == record.State.Version ? null : Snapshot());

    /// <inheritdoc />
    public async Task<StateCommitResult> CommitAsync(long expectedVersion, List<StateWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (expectedVersion != record.State.Version)
        {
            return new StateCommitResult { Committed = false, Version = record.State.Version, Root = _tree.GetRootHex() };
        }

        foreach (var write in writes)
        {
            if (write?.Key is null)
            {
                throw new InvalidRequestException("writes: a write has no key");
            }
        }

        var values = new SortedDictionary<byte[], byte[]>(_values, ByteArrayComparer.Instance);
        var tree = _tree;
        foreach (var write in writes.OrderBy(w => w.Key, ByteArrayComparer.Instance))
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

        var next = new ProgramStateRecord { Version = record.State.Version + 1, Entries = ToEntries(values) };
        var previous = record.State;
        record.State = next;
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            record.State = previous;
            throw;
        }

        _values = values;
        _tree = tree;
        return new StateCommitResult { Committed = true, Version = next.Version, Root = tree.GetRootHex() };
    }

    /// <inheritdoc />
    public Task<StateProof> GetProofAsync(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var proof = new StateProof
        {
            Root = _tree.GetRootHex(),
            Key = key,
            Value = _values.TryGetValue(key, out var value) ? value : null,
            Siblings = [.. _tree.GetProof(key).Select(Convert.ToHexStringLower)],
        };
        return Task.FromResult(proof);
    }

    private StateSnapshot Snapshot() => new()
    {
        Version = record.State.Version,
        Root = _tree.GetRootHex(),
        Entries = ToEntries(_values),
    };

    private static List<StateEntry> ToEntries(SortedDictionary<byte[], byte[]> values)
    {
        var entries = new List<StateEntry>(values.Count);
        foreach (var (key, value) in values)
        {
            entries.Add(new StateEntry { Key = key, Value = value });
        }

        return entries;
    }
}
