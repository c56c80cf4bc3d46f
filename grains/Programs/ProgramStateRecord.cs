using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Programs;

/// <summary>The persisted checkpoint of a program's key-value store: the whole state at <see cref="Version"/>. The
/// commits after it are <see cref="StateCommitRecord"/>s of their own.</summary>
[GenerateSerializer]
[Alias("marketplace.program-state-record")]
internal sealed class ProgramStateRecord
{
    /// <summary>Commit count at the checkpoint.</summary>
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

    /// <summary>The slots of the commit records after this checkpoint (version modulo this); 0 in a record stored
    /// before commits had records of their own, whose next commit is a checkpoint.</summary>
    [Id(5)]
    public int CommitSlots { get; set; }
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

    /// <summary>When the commit was made (the state's clock); a record stored without it counts as old.</summary>
    [Id(4)]
    public DateTimeOffset At { get; set; }
}

/// <summary>One commit after the checkpoint, stored as a record of its own: the version it made, its writes in key
/// order, its undo record and its job. Commits are stored in a ring of slots (version modulo twice the checkpoint
/// interval), so a slot is reused only by a version past the next checkpoint.</summary>
[GenerateSerializer]
[Alias("marketplace.program-state-commit")]
internal sealed class StateCommitRecord
{
    /// <summary>The version the commit made.</summary>
    [Id(0)]
    public long Version { get; set; }

    /// <summary>The writes, in key order, a key at most once.</summary>
    [Id(1)]
    public List<StateWrite> Writes { get; set; } = [];

    /// <summary>What undoes it.</summary>
    [Id(2)]
    public StateUndo Undo { get; set; } = new();

    /// <summary>The job whose commit it is, or null.</summary>
    [Id(3)]
    public StateJobCommit? Job { get; set; }
}
