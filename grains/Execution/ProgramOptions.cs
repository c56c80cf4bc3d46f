using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Execution;

/// <summary>Settings of the programs part, bound from <c>Marketplace:Programs</c>.</summary>
internal sealed class ProgramOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Programs";

    /// <summary>Largest module accepted at deploy (stored in grain state): 8 MiB.</summary>
    public int MaxModuleBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Silo maximum of a manifest's fuel budget.</summary>
    public long MaxFuel { get; set; } = JobLimits.MaxFuel;

    /// <summary>Silo maximum of a manifest's memory limit, bytes.</summary>
    public long MaxMemoryBytes { get; set; } = JobLimits.MaxMemoryBytes;

    /// <summary>Silo maximum of a manifest's timeout, ms.</summary>
    public long MaxTimeoutMs { get; set; } = JobLimits.MaxTimeoutMs;

    /// <summary>Compiled modules kept in memory (least recently used evicted first): 64.</summary>
    public int ModuleCacheCapacity { get; set; } = 64;

    /// <summary>Directory of the on-disk compiled-module cache (the silo's own; never a client's); null (the default)
    /// keeps compiled modules in memory only.</summary>
    public string? ModuleCacheDirectory { get; set; }

    /// <summary>Most functions a module may define, checked at deploy before it is compiled: 20,000.</summary>
    public int MaxFunctions { get; set; } = 20_000;

    /// <summary>Longest a module may take to compile before deploy (or a run) rejects it: 10 000 ms.</summary>
    public long MaxCompileMs { get; set; } = 10_000;

    /// <summary>Maximum wasm stack of a run, bytes (deeper recursion traps as a stack overflow): 512 KiB, Wasmtime's
    /// default.</summary>
    public int MaxStackBytes { get; set; } = 512 * 1024;

    /// <summary>Interval of the epoch ticker, ms: the resolution of timeouts and cancellation of running programs. 10.</summary>
    public int EpochTickMs { get; set; } = 10;

    /// <summary>Runs that may hold a Wasmtime store at once on this silo (default 64): the pooling allocator's
    /// instance slots, reserved at start (virtual address space only: 4 GiB and a guard region each). More runs than
    /// that wait for a slot. At least the sum of the silo's worker capacities, or some runs will queue.</summary>
    public int MaxConcurrentRuns { get; set; } = 64;

    /// <summary>Most elements a run's table may hold: 100 000.</summary>
    public int MaxTableElements { get; set; } = 100_000;

    /// <summary>Most tables a run's instance may have: 4.</summary>
    public int MaxTables { get; set; } = 4;

    /// <summary>Program state snapshots the runner keeps (one per program).</summary>
    public int StateCacheCapacity { get; set; } = 256;

    /// <summary>Log bytes a run may write (UTF-8); the rest is dropped with one marker line.</summary>
    public int MaxLogBytes { get; set; } = 64 * 1024;

    /// <summary>Log lines a run may write.</summary>
    public int MaxLogLines { get; set; } = 1000;

    /// <summary>How many times a run is repeated on fresh state when its commit finds the state moved on.</summary>
    public int MaxConflictRetries { get; set; } = 3;

    /// <summary>Past versions of a program's state that stay readable by their root (kept as undo records of the
    /// last commits, persisted with the state), so a committee re-executes a run against the state it read, and a
    /// retried job reproduces the commit an earlier attempt made: 1024 commits.</summary>
    public int StateHistoryCommits { get; set; } = 1024;

    /// <summary>Past versions younger than this stay readable even beyond <see cref="StateHistoryCommits"/> (within
    /// <see cref="StateHistoryBytes"/>), so a job retried after its silo died, a minute later on a busy cluster, still
    /// reproduces the commit its first attempt made: 2 minutes (each kept record is rewritten with every state
    /// checkpoint, so this bounds that cost too).</summary>
    public TimeSpan StateHistoryAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Commits between two writes of a program's whole state record (its checkpoint); each commit between is
    /// one small record of its own (its writes, undo record and job), so a commit costs what it wrote, not the whole
    /// state: 64.</summary>
    public int StateCheckpointCommits { get; set; } = 64;

    /// <summary>Jobs whose state commits a program's state remembers, so another attempt of the same job (a retry
    /// after its silo died, a duplicate activation) commits nothing: the last 4096. A job created before the oldest
    /// forgotten one can no longer commit.</summary>
    public int StateFenceJobs { get; set; } = 4096;

    /// <summary>Longest a job's commit is remembered: a commit older than this is forgotten even within
    /// <see cref="StateFenceJobs"/>, and a job created before a forgotten one can no longer commit: 6 hours.</summary>
    public TimeSpan StateFenceAge { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Most bytes of keys and previous values the undo records of one program's state hold; the oldest are
    /// dropped first: 16 MiB.</summary>
    public long StateHistoryBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest state key, bytes.</summary>
    public int MaxStateKeyBytes { get; set; } = 1024;

    /// <summary>Largest state value, bytes.</summary>
    public int MaxStateValueBytes { get; set; } = 1024 * 1024;

    /// <summary>Most key and value bytes one run may write to its overlay.</summary>
    public long MaxStateWriteBytesPerRun { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest output a run may return.</summary>
    public int MaxOutputBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most bytes of manifest blobs fetched before one run (host functions are synchronous).</summary>
    public long MaxBlobPrefetchBytes { get; set; } = 64L * 1024 * 1024;
}
