// Design note: the committed state of one program. The entries persist as a sorted list in grain state; in memory
// they are also kept as a sorted dictionary and a sparse Merkle tree (built once on activation, then updated per
// commit in about 256 hashes per written key). Commits are optimistic: the writer names the version it read, and a
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

    /// <summary>Undo records of the last commits, oldest first.</summary>
    [Id(2)]
    public List<StateUndo> History { get; set; } = [];

    /// <summary>The jobs of the last commits, oldest first.</summary>
    [Id(3)]
    public List<StateJobCommit> JobCommits { get; set; } = [];

    /// <summary>Creation time of the newest job forgotten from <see cref="JobCommits"/>: a job created at or before it
    /// may have committed and is refused.</summary>
    [Id(4)]
    public DateTimeOffset JobFloor { get; set; }
}

/// <summary>What undoes one commit.</summary>
[GenerateSerializer]
[Alias("marketplace.program-state-undo")]
internal sealed class StateUndo
{
    /// <summary>The version before the commit.</summary>
    [Id(0)]
    public long Version { get; set; }

    /// <summary>The root before the commit, 64 hex.</summary>
    [Id(1)]
    public string Root { get; set; } = "";

    /// <summary>Every key the commit wrote with its value before it (null: the key did not exist).</summary>
    [Id(2)]
    public List<StateWrite> Previous { get; set; } = [];

    /// <summary>Bytes of keys and previous values held.</summary>
    [Id(3)]
    public long Bytes { get; set; }
}

/// <summary>One program's committed key-value state (key = program id).</summary>
internal sealed class ProgramStateGrain(
    [PersistentState("program-state")] IPersistentState<ProgramStateRecord> record,
    IOptions<ProgramOptions> options,
    ProgramStateClock clock) : Grain, IProgramStateGrain
{
    private readonly ProgramOptions _options = options.Value;
    private readonly Dictionary<string, long> _jobCommits = new(StringComparer.Ordinal);
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
        foreach (var commit in record.State.JobCommits)
        {
            _jobCommits[commit.JobId] = commit.Version;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StateSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot());

    /// <inheritdoc />
    public Task<StateSnapshot?> GetSnapshotIfChangedAsync(long knownVersion) =>
        Task.FromResult(knownVersion == record.State.Version ? null : Snapshot());

    /// <inheritdoc />
    public Task<StateSnapshot?> GetSnapshotAtRootAsync(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (string.Equals(root, _tree.GetRootHex(), StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult<StateSnapshot?>(Snapshot());
        }

        var history = record.State.History;
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
    public Task<bool> KeepsRootAsync(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (string.Equals(root, _tree.GetRootHex(), StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(true);
        }

        foreach (var undo in record.State.History)
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
                Version = record.State.Version,
                Root = _tree.GetRootHex(),
                CommittedEarlier = version,
                CommittedEarlierRootIn = RootBefore(version),
            });
        }

        if (jobCreatedAt <= record.State.JobFloor)
        {
            return Task.FromResult(new StateCommitResult { Committed = false, Version = record.State.Version, Root = _tree.GetRootHex(), JobTooOld = true });
        }

        return CommitAsync(expectedVersion, writes, new StateJobCommit { JobId = jobId, JobCreatedAt = jobCreatedAt });
    }

    private async Task<StateCommitResult> CommitAsync(long expectedVersion, List<StateWrite> writes, StateJobCommit? job)
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
        var undo = new StateUndo { Version = record.State.Version, Root = _tree.GetRootHex() };
        foreach (var write in writes.OrderBy(w => w.Key, ByteArrayComparer.Instance))
        {
            if (undo.Previous.Count == 0 || !undo.Previous[^1].Key.AsSpan().SequenceEqual(write.Key))
            {
                var before = _values.TryGetValue(write.Key, out var old) ? old : null;
                undo.Previous.Add(new StateWrite { Key = write.Key, Value = before });
                undo.Bytes += write.Key.Length + (before?.Length ?? 0);
            }

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

        var next = new ProgramStateRecord { Version = record.State.Version + 1, Entries = ToEntries(values), History = KeptHistory(undo) };
        var (jobCommits, floor) = KeptJobCommits(job, next.Version);
        next.JobCommits = jobCommits;
        next.JobFloor = floor;
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
        _jobCommits.Clear();
        foreach (var commit in jobCommits)
        {
            _jobCommits[commit.JobId] = commit.Version;
        }

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

    /// <summary>The root the commit that made <paramref name="version"/> was made on, when still kept.</summary>
    private string? RootBefore(long version)
    {
        foreach (var undo in record.State.History)
        {
            if (undo.Version == version - 1)
            {
                return undo.Root;
            }
        }

        return null;
    }

    /// <summary>The jobs to remember after a commit by <paramref name="job"/> (null: not a job's) that makes
    /// <paramref name="version"/>, and the floor: commits older than the fence age and the oldest beyond the fence's
    /// count are forgotten, and the floor rises to the newest creation time among them.</summary>
    private (List<StateJobCommit> Kept, DateTimeOffset Floor) KeptJobCommits(StateJobCommit? job, long version)
    {
        var now = clock.Now;
        var current = record.State.JobCommits;
        var floor = record.State.JobFloor;
        var total = current.Count + (job is null ? 0 : 1);
        var kept = new List<StateJobCommit>(Math.Min(total, _options.StateFenceJobs));
        for (var i = 0; i < current.Count; i++)
        {
            var commit = current[i];
            if (total > _options.StateFenceJobs || now - commit.CommittedAt > _options.StateFenceAge)
            {
                total--;
                if (commit.JobCreatedAt > floor)
                {
                    floor = commit.JobCreatedAt;
                }

                continue;
            }

            kept.Add(commit);
        }

        if (job is not null)
        {
            job.Version = version;
            job.CommittedAt = now;
            kept.Add(job);
        }

        return (kept, floor);
    }

    /// <summary>The undo records to keep after a commit that adds <paramref name="undo"/>: the newest within the count
    /// and byte budgets.</summary>
    private List<StateUndo> KeptHistory(StateUndo undo)
    {
        var kept = new List<StateUndo>(Math.Min(record.State.History.Count + 1, Math.Max(_options.StateHistoryCommits, 0)));
        if (_options.StateHistoryCommits <= 0 || undo.Bytes > _options.StateHistoryBytes)
        {
            return kept;
        }

        var bytes = undo.Bytes;
        var first = record.State.History.Count;
        while (first > 0 && record.State.History.Count - first + 1 < _options.StateHistoryCommits
            && bytes + record.State.History[first - 1].Bytes <= _options.StateHistoryBytes)
        {
            first--;
            bytes += record.State.History[first].Bytes;
        }

        for (var i = first; i < record.State.History.Count; i++)
        {
            kept.Add(record.State.History[i]);
        }

        kept.Add(undo);
        return kept;
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
