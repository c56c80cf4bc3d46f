using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Execution;

/// <summary>One attempt to run.</summary>
internal sealed class ProgramRunRequest
{
    /// <summary>The program id.</summary>
    public required string ProgramId { get; init; }

    /// <summary>The input bytes.</summary>
    public required ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>Fuel budget.</summary>
    public required long MaxFuel { get; init; }

    /// <summary>Linear-memory limit, bytes.</summary>
    public required long MaxMemoryBytes { get; init; }

    /// <summary>Wall-clock limit.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>The job this run belongs to (optional): log lines name it, and it seeds a WASI program's
    /// <c>random_get</c> stream (without it the program id does).</summary>
    public string? JobId { get; init; }

    /// <summary>WASI programs: <c>argv[1..]</c>, in order (argv[0] is the manifest's name). Ignored by ONVM programs.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>WASI programs: the environment, seen as <c>KEY=VALUE</c> in ordinal order of the keys. Ignored by
    /// ONVM programs.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(0);

    /// <summary>WASI programs: the logical instant <c>CLOCK_REALTIME</c> starts at (the job's creation time, so every
    /// attempt of a job sees the same clock). Null: the Unix epoch.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When set (64 hex), the run reads the program's state as it was at this root and never commits: a
    /// re-execution of a run that read that state (a committee member's). Its result's state root is the root its
    /// writes would give. A state no longer kept ends the run <see cref="ProgramRunOutcome.StateUnavailable"/>.
    /// Ignored for a module that does not use state.</summary>
    public string? StateRoot { get; init; }

    /// <summary>Called with a successful run's output (when not empty) before the run commits its state writes, or
    /// returns when it wrote none: a job's output is held against its client's stored-bytes quota there. A
    /// <see cref="QuotaExceededException"/> from it ends the run <see cref="ProgramRunOutcome.QuotaExceeded"/> with
    /// nothing written. Not called when the run re-executes on a pinned state (a committee's run, or a retry of a job
    /// whose earlier attempt committed): that output was held by the run that committed.</summary>
    public Func<ReadOnlyMemory<byte>, Task>? HoldOutput { get; init; }
}
