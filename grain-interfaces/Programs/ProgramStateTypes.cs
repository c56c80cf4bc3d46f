namespace Marketplace.GrainInterfaces;

/// <summary>One key and value of program state.</summary>
[GenerateSerializer]
[Alias("marketplace.state-entry")]
public sealed class StateEntry
{
    /// <summary>The key bytes.</summary>
    [Id(0)]
    public byte[] Key { get; set; } = [];

    /// <summary>The value bytes (may be empty: an empty value is stored, not a delete).</summary>
    [Id(1)]
    public byte[] Value { get; set; } = [];
}

/// <summary>One buffered write of a run: a put, or a delete when <see cref="Value"/> is null.</summary>
[GenerateSerializer]
[Alias("marketplace.state-write")]
public sealed class StateWrite
{
    /// <summary>The key bytes.</summary>
    [Id(0)]
    public byte[] Key { get; set; } = [];

    /// <summary>The new value, or null to delete.</summary>
    [Id(1)]
    public byte[]? Value { get; set; }
}

/// <summary>Committed program state at one version.</summary>
[GenerateSerializer]
[Alias("marketplace.state-snapshot")]
public sealed class StateSnapshot
{
    /// <summary>Increases by one per successful commit; 0 for a fresh program.</summary>
    [Id(0)]
    public long Version { get; set; }

    /// <summary>The sparse Merkle root, 64 hex.</summary>
    [Id(1)]
    public string Root { get; set; } = "";

    /// <summary>Every entry, sorted by key (bytewise).</summary>
    [Id(2)]
    public List<StateEntry> Entries { get; set; } = [];
}

/// <summary>What turns one kept version of program state into another: the value at the target version of every key
/// written between the two (null: absent there), so a holder of the first version derives the second without the
/// whole state.</summary>
[GenerateSerializer]
[Alias("marketplace.state-changes")]
public sealed class StateChanges
{
    /// <summary>The version the changes start from.</summary>
    [Id(0)]
    public long FromVersion { get; set; }

    /// <summary>The version they lead to.</summary>
    [Id(1)]
    public long Version { get; set; }

    /// <summary>The root at <see cref="Version"/>, 64 hex.</summary>
    [Id(2)]
    public string Root { get; set; } = "";

    /// <summary>Each key written between the two versions with its value at <see cref="Version"/>, in key order
    /// (bytewise); empty when the versions are the same.</summary>
    [Id(3)]
    public List<StateWrite> Writes { get; set; } = [];
}

/// <summary>What a commit did.</summary>
[GenerateSerializer]
[Alias("marketplace.state-commit-result")]
public sealed class StateCommitResult
{
    /// <summary>False when the state had moved past the expected version (nothing was written).</summary>
    [Id(0)]
    public bool Committed { get; set; }

    /// <summary>The current version after the call.</summary>
    [Id(1)]
    public long Version { get; set; }

    /// <summary>The current root after the call, 64 hex.</summary>
    [Id(2)]
    public string Root { get; set; } = "";

    /// <summary>For a job's commit (<see cref="IProgramStateGrain.CommitForJobAsync"/>): the version an earlier
    /// attempt of the same job committed, so nothing was written now; 0 when the job had not committed.</summary>
    [Id(3)]
    public long CommittedEarlier { get; set; }

    /// <summary>With <see cref="CommittedEarlier"/>: the root the earlier commit was made on (the state that attempt
    /// read), 64 hex, or null when that version is no longer kept.</summary>
    [Id(4)]
    public string? CommittedEarlierRootIn { get; set; }

    /// <summary>For a job's commit: true when the job was created before the oldest job the state still remembers,
    /// so whether it committed earlier cannot be told; nothing was written.</summary>
    [Id(5)]
    public bool JobTooOld { get; set; }

    /// <summary>When committed: the root the writes were applied on, 64 hex (the run's own root, or the newer one a
    /// commit with <see cref="IProgramStateGrain.CommitForJobReadingAsync"/> moved them to).</summary>
    [Id(6)]
    public string? RootIn { get; set; }
}

/// <summary>What one run read of a program's state: the keys it looked up (get, exists, len), the prefixes it listed,
/// or everything (it asked for the state root).</summary>
[GenerateSerializer]
[Alias("marketplace.state-read-set")]
public sealed class StateReadSet
{
    /// <summary>Keys looked up, each once.</summary>
    [Id(0)]
    public List<byte[]> Keys { get; set; } = [];

    /// <summary>Prefixes listed.</summary>
    [Id(1)]
    public List<byte[]> Prefixes { get; set; } = [];

    /// <summary>True when the run read the whole state (its root): no other commit may come between.</summary>
    [Id(2)]
    public bool Everything { get; set; }
}

/// <summary>A key's value (null when absent) and its sparse Merkle proof.</summary>
[GenerateSerializer]
[Alias("marketplace.state-proof")]
public sealed class StateProof
{
    /// <summary>The root the proof is against, 64 hex.</summary>
    [Id(0)]
    public string Root { get; set; } = "";

    /// <summary>The key.</summary>
    [Id(1)]
    public byte[] Key { get; set; } = [];

    /// <summary>The value, or null when the key is absent (a non-membership proof).</summary>
    [Id(2)]
    public byte[]? Value { get; set; }

    /// <summary>Sibling hashes from the leaf level to the root, 64 hex each (256 for the full tree).</summary>
    [Id(3)]
    public List<string> Siblings { get; set; } = [];
}
