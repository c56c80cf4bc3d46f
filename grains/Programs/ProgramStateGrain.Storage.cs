using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace Marketplace.Grains.Programs;

// How the state is stored: the grain's own record is a checkpoint, the whole state at one version, written every
// StateCheckpointCommits commits. Each commit in between is a record of its own (its writes, undo record and job) in
// a ring of 2 × StateCheckpointCommits slots keyed by version, so a slot is reused only after a later checkpoint has
// made its commit part of the record. Activation reads the checkpoint and then the slots of the versions after it
// until a slot holds another version. A commit is durable once its record (or the checkpoint it writes) is stored; a
// second activation is refused by the ETag of the slot or of the checkpoint, as for any grain state.
internal sealed partial class ProgramStateGrain
{
    private GrainSideRecords<StateCommitRecord>? _commitRecords;
    private long _historyBytes;

    private GrainSideRecords<StateCommitRecord> CommitRecords => _commitRecords ??= new GrainSideRecords<StateCommitRecord>(
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME), "program-state-commit", "program-state-commit");

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var checkpoint = record.State;
        _values = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        foreach (var entry in checkpoint.Entries)
        {
            _values[entry.Key] = entry.Value;
        }

        _version = checkpoint.Version;
        _history = [.. checkpoint.History];
        _historyBytes = 0;
        foreach (var undo in _history)
        {
            _historyBytes += undo.Bytes;
        }

        _jobs = [.. checkpoint.JobCommits];
        _jobFloor = checkpoint.JobFloor;
        foreach (var commit in _jobs)
        {
            _jobCommits[commit.JobId] = commit.Version;
        }

        if (checkpoint.CommitSlots > 0)
        {
            while (await CommitRecords.ReadAsync(SlotKey(_version + 1, checkpoint.CommitSlots)) is { } next && next.Version == _version + 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Apply(next.Writes);
                AddUndo(next.Undo, DroppedUndos(next.Undo));
                var (forget, floor) = ForgottenJobs(next.Job is not null);
                if (next.Job is { } job)
                {
                    job.Version = next.Version;
                }

                ForgetAndAddJob(forget, floor, next.Job);
                _version = next.Version;
            }
        }

        _tree = SparseMerkleTree.Build(_values);
    }

    /// <summary>Stores a commit: as the next checkpoint when one is due, else as its record in its slot. Nothing in
    /// memory changes here; the caller applies the commit once this returns.</summary>
    private async Task StoreCommitAsync(StateCommitRecord commit, int droppedUndos, int forgottenJobs, DateTimeOffset floor)
    {
        var checkpoint = record.State;
        var slots = checkpoint.CommitSlots;
        if (slots == 0 || commit.Version - checkpoint.Version >= Math.Min(_options.StateCheckpointCommits, slots / 2))
        {
            var next = new ProgramStateRecord
            {
                Version = commit.Version,
                Entries = EntriesAfter(commit.Writes),
                History = droppedUndos < 0 ? [] : [.. _history.Skip(droppedUndos), commit.Undo],
                JobCommits = commit.Job is null ? [.. _jobs.Skip(forgottenJobs)] : [.. _jobs.Skip(forgottenJobs), commit.Job],
                JobFloor = floor,
                CommitSlots = 2 * _options.StateCheckpointCommits,
            };
            record.State = next;
            try
            {
                await record.WriteStateAsync();
            }
            catch
            {
                record.State = checkpoint;
                throw;
            }

            return;
        }

        var key = SlotKey(commit.Version, slots);
        if (!CommitRecords.Knows(key) && await CommitRecords.ReadAsync(key) is { } stored && stored.Version >= commit.Version)
        {
            // Another activation of this state stored this version first.
            throw new InconsistentStateException($"program state {this.GetPrimaryKeyString()}: version {commit.Version} is already stored by another activation");
        }

        await CommitRecords.WriteAsync(key, commit);
    }

    /// <summary>Applies a commit's writes (a key at most once) to the values.</summary>
    private void Apply(List<StateWrite> writes)
    {
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                _values.Remove(write.Key);
            }
            else
            {
                _values[write.Key] = write.Value;
            }
        }
    }

    /// <summary>The entries the values would hold after <paramref name="writes"/>, sorted by key.</summary>
    private List<StateEntry> EntriesAfter(List<StateWrite> writes)
    {
        var values = new SortedDictionary<byte[], byte[]>(_values, ByteArrayComparer.Instance);
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                values.Remove(write.Key);
            }
            else
            {
                values[write.Key] = write.Value;
            }
        }

        return ToEntries(values);
    }

    /// <summary>How many of the oldest undo records go when <paramref name="undo"/> is added within the count and
    /// byte budgets; -1 when none is kept at all (history off, or the record alone is over the byte budget). A record
    /// younger than <c>StateHistoryAge</c> stays beyond the count (a job retried minutes after its silo died reproduces
    /// the commit its first attempt made, however many commits came between); the byte budget always holds.</summary>
    private int DroppedUndos(StateUndo undo)
    {
        if (_options.StateHistoryCommits <= 0 || undo.Bytes > _options.StateHistoryBytes)
        {
            return -1;
        }

        var count = _history.Count + 1;
        var bytes = _historyBytes + undo.Bytes;
        var drop = 0;
        var now = clock.Now;
        while (bytes > _options.StateHistoryBytes
            || (count - drop > _options.StateHistoryCommits && now - _history[drop].At > _options.StateHistoryAge))
        {
            bytes -= _history[drop].Bytes;
            drop++;
        }

        return drop;
    }

    /// <summary>Drops the <paramref name="drop"/> oldest undo records (all when -1) and keeps <paramref name="undo"/>
    /// unless none is kept.</summary>
    private void AddUndo(StateUndo undo, int drop)
    {
        if (drop < 0)
        {
            _history.Clear();
            _historyBytes = 0;
            return;
        }

        for (var i = 0; i < drop; i++)
        {
            _historyBytes -= _history[i].Bytes;
        }

        _history.RemoveRange(0, drop);
        _history.Add(undo);
        _historyBytes += undo.Bytes;
    }

    /// <summary>How many of the oldest remembered jobs a commit forgets (beyond the fence's count once a job is
    /// added, or older than its age), and the floor after: the newest creation time among the forgotten.</summary>
    private (int Forget, DateTimeOffset Floor) ForgottenJobs(bool adding)
    {
        var now = clock.Now;
        var total = _jobs.Count + (adding ? 1 : 0);
        var floor = _jobFloor;
        var forget = 0;
        while (forget < _jobs.Count && (total - forget > _options.StateFenceJobs || now - _jobs[forget].CommittedAt > _options.StateFenceAge))
        {
            if (_jobs[forget].JobCreatedAt > floor)
            {
                floor = _jobs[forget].JobCreatedAt;
            }

            forget++;
        }

        return (forget, floor);
    }

    /// <summary>Forgets the <paramref name="forget"/> oldest remembered jobs, sets the floor and remembers
    /// <paramref name="job"/> when there is one.</summary>
    private void ForgetAndAddJob(int forget, DateTimeOffset floor, StateJobCommit? job)
    {
        for (var i = 0; i < forget; i++)
        {
            _jobCommits.Remove(_jobs[i].JobId);
        }

        _jobs.RemoveRange(0, forget);
        _jobFloor = floor;
        if (job is not null)
        {
            _jobs.Add(job);
            _jobCommits[job.JobId] = job.Version;
        }
    }

    private string SlotKey(long version, int slots) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{this.GetPrimaryKeyString()}/{version % slots}");
}
