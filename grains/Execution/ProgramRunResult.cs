using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Execution;

/// <summary>How a run ended.</summary>
internal enum ProgramRunOutcome
{
    /// <summary>The entrypoint returned; output valid; state writes committed.</summary>
    Succeeded,

    /// <summary>The program trapped (unreachable, bad memory access, bad output pointer, ...).</summary>
    Trapped,

    /// <summary>The fuel budget ran out.</summary>
    OutOfFuel,

    /// <summary>The memory limit was hit.</summary>
    OutOfMemory,

    /// <summary>The wall-clock limit was hit and the run was interrupted.</summary>
    TimedOut,

    /// <summary>The caller's token interrupted the run.</summary>
    Cancelled,

    /// <summary>The program does not exist.</summary>
    MissingProgram,

    /// <summary>The module could not be compiled or instantiated.</summary>
    InvalidProgram,

    /// <summary>Every re-run found the program's state changed again by another run before it could commit
    /// (optimistic concurrency gave up); nothing was written.</summary>
    StateConflict,

    /// <summary>The program exceeded the maximum wasm stack (deep or unbounded recursion). Jobs report it as
    /// <see cref="FailureReason.StackOverflow"/> with the trap code in the error text.</summary>
    StackOverflow,

    /// <summary>A WASI program called <c>proc_exit</c> with a non-zero code; the error text carries the code. Jobs
    /// report it as <see cref="FailureReason.ExecutionError"/>.</summary>
    Exited,

    /// <summary>A WASI program wrote more to stdout than the output limit allows (the output is never truncated).
    /// Jobs report it as <see cref="FailureReason.ExecutionError"/>.</summary>
    OutputLimitExceeded,

    /// <summary>A re-execution asked for the state at a root (<see cref="ProgramRunRequest.StateRoot"/>) the program's
    /// state no longer keeps, or a job's run found an earlier attempt of the job committed on a state no longer kept,
    /// or the job is older than the state's commit fence remembers; nothing was written.</summary>
    StateUnavailable,

    /// <summary>The run succeeded, but its output does not fit its client's stored-bytes quota
    /// (<see cref="ProgramRunRequest.HoldOutput"/> refused it): nothing was committed and no output is stored. Jobs report
    /// it as <see cref="FailureReason.QuotaExceeded"/>.</summary>
    QuotaExceeded,
}

/// <summary>What one run did.</summary>
internal sealed class ProgramRunResult
{
    /// <summary>How it ended.</summary>
    public required ProgramRunOutcome Outcome { get; init; }

    /// <summary>The output bytes (empty unless succeeded).</summary>
    public ReadOnlyMemory<byte> Output { get; init; }

    /// <summary>Fuel consumed (budget minus remaining; equals the budget on OutOfFuel).</summary>
    public long FuelConsumed { get; init; }

    /// <summary>Error text for anything but success.</summary>
    public string? Error { get; init; }

    /// <summary>The program's log lines (size-limited).</summary>
    public IReadOnlyList<JobLogEntry> Logs { get; init; } = [];

    /// <summary>The state root after the run (committed on success, unchanged otherwise; always unchanged for WASI
    /// programs, which have no program state), 64 hex.</summary>
    public string StateRoot { get; init; } = "";

    /// <summary>Wall-clock duration of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>What the run ran on (module, ABI, state read, engine), for its receipt; null when it ended before the
    /// sandbox (missing or invalid program) or was interrupted.</summary>
    public ProgramRunProvenance? Provenance { get; init; }
}
