namespace Marketplace.GrainInterfaces;

/// <summary>
/// The committed key-value state of one program (key = program id), with its sparse Merkle root (ONVM's layout).
/// A run reads a snapshot, buffers its writes, and commits them only when it succeeds; a commit against a snapshot
/// that is no longer current is refused so the caller can re-run on the new state (optimistic concurrency).
/// </summary>
public interface IProgramStateGrain : IGrainWithStringKey
{
    /// <summary>The committed entries, version and root.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<StateSnapshot> GetSnapshotAsync();

    /// <summary>The committed snapshot when its version differs from <paramref name="knownVersion"/>, else null (a
    /// cheap check for callers that cache a snapshot).</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<StateSnapshot?> GetSnapshotIfChangedAsync(long knownVersion);

    /// <summary>The state as it was when its root was <paramref name="root"/> (64 hex): the current state, or a past
    /// version still kept (the last commits, bounded by <c>Marketplace:Programs:StateHistoryCommits</c> and
    /// <c>StateHistoryBytes</c>); null when no kept version has that root. Lets a committee re-execute a run against
    /// the state it read.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<StateSnapshot?> GetSnapshotAtRootAsync(string root);

    /// <summary>The changes from version <paramref name="fromVersion"/> (whose root the caller holds as
    /// <paramref name="fromRoot"/>) to the state at <paramref name="toRoot"/>, or to the current state when it is null;
    /// null when either end is not a kept version (the caller then reads a whole snapshot). A runner keeps a view of the
    /// state and moves it forward, or back to the root a committee re-executes on, in the cost of the keys written
    /// between, not of the whole state.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<StateChanges?> GetChangesAsync(long fromVersion, string fromRoot, string? toRoot);

    /// <summary>Whether <see cref="GetSnapshotAtRootAsync"/> would find <paramref name="root"/> (64 hex), without
    /// building the snapshot.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<bool> KeepsRootAsync(string root);

    /// <summary>Applies <paramref name="writes"/> (in key order) if the state is still at
    /// <paramref name="expectedVersion"/>; returns whether it did and the new version and root.</summary>
    Task<StateCommitResult> CommitAsync(long expectedVersion, List<StateWrite> writes);

    /// <summary>Applies a job's <paramref name="writes"/> as <see cref="CommitAsync"/> does, at most once per job:
    /// when an earlier attempt of <paramref name="jobId"/> already committed, nothing is written and the result names
    /// that commit (<see cref="StateCommitResult.CommittedEarlier"/>) with the root it was made on, so the attempt
    /// re-executes there and reports the committed transition. The state remembers the jobs of its last commits
    /// (<c>Marketplace:Programs:StateFenceJobs</c>, each for <c>StateFenceAge</c>); a job created before the oldest it
    /// remembers is refused (<see cref="StateCommitResult.JobTooOld"/>).</summary>
    Task<StateCommitResult> CommitForJobAsync(string jobId, DateTimeOffset jobCreatedAt, long expectedVersion, List<StateWrite> writes);

    /// <summary>Commits a job's run as <see cref="CommitForJobAsync"/> does, and also when the state moved past
    /// <paramref name="readVersion"/> (the version the run read) by commits that wrote none of what the run read
    /// (<paramref name="reads"/>): the run would have done exactly the same on the current state, so its writes apply
    /// there, without running it again, and <see cref="StateCommitResult.RootIn"/> names the root they applied on.
    /// When a commit since wrote a key the run read (or under a prefix it listed), or the run read the whole state, or
    /// the versions between are no longer kept, nothing is written, as for any moved state.</summary>
    [Alias("commit-for-job-reading")]
    Task<StateCommitResult> CommitForJobReadingAsync(string jobId, DateTimeOffset jobCreatedAt, long readVersion, List<StateWrite> writes, StateReadSet reads);

    /// <summary>The value of <paramref name="key"/> (null when absent) with a sparse Merkle proof against the root.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task<StateProof> GetProofAsync(byte[] key);
}
