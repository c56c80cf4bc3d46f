// Design note: the committed state of one program. The entries persist as a checkpoint (the whole state, in grain
// state) written every StateCheckpointCommits commits, and each commit between as a small record of its own (see
// ProgramStateGrain.Storage.cs); in memory they are kept as a sorted dictionary and a sparse Merkle tree (built once
// on activation, then updated per commit in about 256 hashes per written key). Commits are optimistic: the writer names the version it read, and a
// stale writer is refused so it can re-run on the new state. Each commit also records an undo (the root before it and
// the previous value of every key it wrote), the last ones kept within a count and byte budget, so a past version is
// rebuilt by undoing commits from the current state back to the root asked for. A job's commit is also fenced by the
// job: the jobs of the last commits are remembered with the version each made, so another attempt of a job that already
// committed writes nothing and learns the root to re-execute on; a job older than the oldest forgotten one (the floor)
// is refused, since whether it committed can no longer be told.

using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Programs;

/// <summary>One program's committed key-value state (key = program id).</summary>
internal sealed partial class ProgramStateGrain(
    [PersistentState("program-state")] IPersistentState<ProgramStateRecord> record,
    IOptions<ProgramOptions> options,
    ProgramStateClock clock) : Grain, IProgramStateGrain
{
    private readonly ProgramOptions _options = options.Value;
    private readonly Dictionary<string, long> _jobCommits = new(StringComparer.Ordinal);
    private SortedDictionary<byte[], byte[]> _values = new(ByteArrayComparer.Instance);
    private SparseMerkleTree _tree = SparseMerkleTree.Empty;
    private long _version;
    private List<StateUndo> _history = [];
    private List<StateJobCommit> _jobs = [];
    private DateTimeOffset _jobFloor;

    /// <inheritdoc />
    public Task<StateSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot());

    /// <inheritdoc />
    public Task<StateSnapshot?> GetSnapshotIfChangedAsync(long knownVersion) =>
        Task.FromResult(knownVersion == _version ? null : Snapshot());

    /// <inheritdoc />
    public Task<StateSnapshot?> GetSnapshotAtRootAsync(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (string.Equals(root, _tree.GetRootHex(), StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult<StateSnapshot?>(Snapshot());
        }

        var history = _history;
        var values = new SortedDictionary<byte[], byte[]>(_values, ByteArrayComparer.Instance);
        for (var i = history.Count - 1; i >= 0; i--)
        {
            foreach (var previous in history[i].Previous)
            {
                if (previous.Value is null)
                {
                    values.Remove(previous.Key);
                }
                else
                {
                    values[previous.Key] = previous.Value;
                }
            }

            if (string.Equals(history[i].Root, root, StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult<StateSnapshot?>(new StateSnapshot { Version = history[i].Version, Root = history[i].Root, Entries = ToEntries(values) });
            }
        }

        return Task.FromResult<StateSnapshot?>(null);
    }

    /// <inheritdoc />
    public Task<StateChanges?> GetChangesAsync(long fromVersion, string fromRoot, string? toRoot)
    {
        ArgumentNullException.ThrowIfNull(fromRoot);
        var history = _history;
        var current = _tree.GetRootHex();
        long to;
        string rootTo;
        if (toRoot is null || string.Equals(toRoot, current, StringComparison.OrdinalIgnoreCase))
        {
            (to, rootTo) = (_version, current);
        }
        else
        {
            var kept = history.FindLastIndex(undo => string.Equals(undo.Root, toRoot, StringComparison.OrdinalIgnoreCase));
            if (kept < 0)
            {
                return Task.FromResult<StateChanges?>(null);
            }

            (to, rootTo) = (history[kept].Version, history[kept].Root);
        }

        if (!string.Equals(RootAt(fromVersion), fromRoot, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult<StateChanges?>(null);
        }

        var changes = new StateChanges { FromVersion = fromVersion, Version = to, Root = rootTo };
        if (fromVersion == to)
        {
            return Task.FromResult<StateChanges?>(changes);
        }

        // A key's value at `to` is the value before the first commit at or after `to` that wrote it, or the current
        // value when no such commit did; the keys are those written by the commits between the two versions.
        var before = new Dictionary<byte[], byte[]?>(ByteArrayComparer.Instance);
        for (var i = history.Count - 1; i >= 0 && history[i].Version >= to; i--)
        {
            foreach (var previous in history[i].Previous)
            {
                before[previous.Key] = previous.Value;
            }
        }

        var (low, high) = fromVersion < to ? (fromVersion, to) : (to, fromVersion);
        var written = new SortedDictionary<byte[], byte[]?>(ByteArrayComparer.Instance);
        foreach (var undo in history)
        {
            if (undo.Version < low || undo.Version >= high)
            {
                continue;
            }

            foreach (var previous in undo.Previous)
            {
                written[previous.Key] = before.TryGetValue(previous.Key, out var value) ? value
                    : _values.TryGetValue(previous.Key, out var now) ? now : null;
            }
        }

        foreach (var (key, value) in written)
        {
            changes.Writes.Add(new StateWrite { Key = key, Value = value });
        }

        return Task.FromResult<StateChanges?>(changes);
    }

    /// <summary>The root at <paramref name="version"/> when it is the current version or a kept one, else null.</summary>
    private string? RootAt(long version)
    {
        if (version == _version)
        {
            return _tree.GetRootHex();
        }

        foreach (var undo in _history)
        {
            if (undo.Version == version)
            {
                return undo.Root;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public Task<bool> KeepsRootAsync(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (string.Equals(root, _tree.GetRootHex(), StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(true);
        }

        foreach (var undo in _history)
        {
            if (string.Equals(undo.Root, root, StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    /// <inheritdoc />
    public Task<StateCommitResult> CommitAsync(long expectedVersion, List<StateWrite> writes) =>
        CommitAsync(expectedVersion, writes, job: null);

    /// <inheritdoc />
    public Task<StateCommitResult> CommitForJobAsync(string jobId, DateTimeOffset jobCreatedAt, long expectedVersion, List<StateWrite> writes)
    {
        if (string.IsNullOrEmpty(jobId))
        {
            throw new InvalidRequestException("job id: required for a job's commit");
        }

        if (_jobCommits.TryGetValue(jobId, out var version))
        {
            return Task.FromResult(new StateCommitResult
            {
                Committed = false,
                Version = _version,
                Root = _tree.GetRootHex(),
                CommittedEarlier = version,
                CommittedEarlierRootIn = RootBefore(version),
            });
        }

        if (jobCreatedAt <= _jobFloor)
        {
            return Task.FromResult(new StateCommitResult { Committed = false, Version = _version, Root = _tree.GetRootHex(), JobTooOld = true });
        }

        return CommitAsync(expectedVersion, writes, new StateJobCommit { JobId = jobId, JobCreatedAt = jobCreatedAt });
    }

    /// <inheritdoc />
    public Task<StateCommitResult> CommitForJobReadingAsync(string jobId, DateTimeOffset jobCreatedAt, long readVersion, List<StateWrite> writes, StateReadSet reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        return readVersion < _version && ReadsUntouchedSince(readVersion, reads)
            ? CommitForJobAsync(jobId, jobCreatedAt, _version, writes)
            : CommitForJobAsync(jobId, jobCreatedAt, readVersion, writes);
    }

    /// <summary>True when every commit after <paramref name="version"/> is still kept and none wrote a key of
    /// <paramref name="reads"/> or under one of its prefixes, and the reads were not of the whole state.</summary>
    private bool ReadsUntouchedSince(long version, StateReadSet reads)
    {
        if (reads.Everything || reads.Keys is null || reads.Prefixes is null)
        {
            return false;
        }

        var keys = new HashSet<byte[]>(reads.Keys.Count, ByteArrayComparer.Instance);
        foreach (var key in reads.Keys)
        {
            keys.Add(key ?? []);
        }

        var seen = 0L;
        foreach (var undo in _history)
        {
            if (undo.Version < version)
            {
                continue;
            }

            seen++;
            foreach (var write in undo.Previous)
            {
                if (keys.Contains(write.Key))
                {
                    return false;
                }

                foreach (var prefix in reads.Prefixes)
                {
                    if (prefix is not null && write.Key.AsSpan().StartsWith(prefix))
                    {
                        return false;
                    }
                }
            }
        }

        // Every commit from the version read to now must have been looked at (none dropped from the history).
        return seen == _version - version;
    }

    private async Task<StateCommitResult> CommitAsync(long expectedVersion, List<StateWrite> writes, StateJobCommit? job)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (expectedVersion != _version)
        {
            return new StateCommitResult { Committed = false, Version = _version, Root = _tree.GetRootHex() };
        }

        foreach (var write in writes)
        {
            if (write?.Key is null)
            {
                throw new InvalidRequestException("writes: a write has no key");
            }
        }

        // The last write of each key, in key order (a stable sort keeps a key's writes in the run's order).
        var ordered = new List<StateWrite>(writes.Count);
        foreach (var write in writes.OrderBy(w => w.Key, ByteArrayComparer.Instance))
        {
            if (ordered.Count > 0 && ordered[^1].Key.AsSpan().SequenceEqual(write.Key))
            {
                ordered[^1] = write;
            }
            else
            {
                ordered.Add(write);
            }
        }

        var tree = _tree;
        var undo = new StateUndo { Version = _version, Root = _tree.GetRootHex(), At = clock.Now };
        foreach (var write in ordered)
        {
            var before = _values.TryGetValue(write.Key, out var old) ? old : null;
            undo.Previous.Add(new StateWrite { Key = write.Key, Value = before });
            undo.Bytes += write.Key.Length + (before?.Length ?? 0);
            tree = write.Value is null ? tree.Remove(write.Key) : tree.Set(write.Key, write.Value);
        }

        var version = _version + 1;
        var drop = DroppedUndos(undo);
        var (forget, floor) = ForgottenJobs(job is not null);
        if (job is not null)
        {
            job.Version = version;
            job.CommittedAt = clock.Now;
        }

        await StoreCommitAsync(new StateCommitRecord { Version = version, Writes = ordered, Undo = undo, Job = job }, drop, forget, floor);

        Apply(ordered);
        _version = version;
        _tree = tree;
        AddUndo(undo, drop);
        ForgetAndAddJob(forget, floor, job);
        return new StateCommitResult { Committed = true, Version = version, Root = tree.GetRootHex(), RootIn = undo.Root };
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

    /// <summary>The root the commit that made <paramref name="version"/> was made on, when still kept.</summary>
    private string? RootBefore(long version)
    {
        foreach (var undo in _history)
        {
            if (undo.Version == version - 1)
            {
                return undo.Root;
            }
        }

        return null;
    }

    private StateSnapshot Snapshot() => new()
    {
        Version = _version,
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
