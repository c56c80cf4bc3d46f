using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>How a WASI run ended.</summary>
internal enum WasiRunOutcome
{
    /// <summary><c>_start</c> returned, or the program called <c>proc_exit(0)</c>.</summary>
    Succeeded,

    /// <summary>The program called <c>proc_exit</c> with a non-zero code (<see cref="WasiRunResult.ExitCode"/>).</summary>
    ExitedWithError,

    /// <summary>The fuel budget ran out, in wasm code or paying for a host call's bytes.</summary>
    OutOfFuel,

    /// <summary>The epoch deadline passed (Wasmtime's <see cref="TrapCode.Interrupt"/>).</summary>
    Interrupted,

    /// <summary>The module's initial memory is over <see cref="WasiRunOptions.MemoryLimitBytes"/>, so it could not
    /// start. (Growth past the limit is not a trap: <c>memory.grow</c> returns -1 and the program sees a failed
    /// allocation.)</summary>
    MemoryLimit,

    /// <summary>A write would have taken stdout past <see cref="WasiRunOptions.StdoutLimitBytes"/>.</summary>
    OutputLimitExceeded,

    /// <summary>The program trapped (<see cref="WasiRunResult.TrapCode"/> when Wasmtime gave one).</summary>
    Trapped,

    /// <summary>The module cannot run here: unsupported imports, no <c>memory</c> or <c>_start</c> export, or it
    /// failed to instantiate.</summary>
    InvalidProgram,

    /// <summary>A host function failed unexpectedly (a host defect, not the program's doing).</summary>
    HostFailure,
}

/// <summary>What one WASI run did.</summary>
internal sealed class WasiRunResult
{
    /// <summary>How it ended.</summary>
    public required WasiRunOutcome Outcome { get; init; }

    /// <summary>The exit code: the argument of <c>proc_exit</c>, 0 when <c>_start</c> returned, null when the run
    /// ended otherwise.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Everything written to stdout, kept whatever the outcome (for logs); the job output only on
    /// success. After <see cref="WasiRunOutcome.OutputLimitExceeded"/>, the writes before the refused one.</summary>
    public ReadOnlyMemory<byte> Stdout { get; init; }

    /// <summary>stderr split into lines (UTF-8, invalid bytes replaced, without the newline), capped by
    /// <see cref="WasiRunOptions.StderrLimitBytes"/> with a final note line when bytes were dropped.</summary>
    public IReadOnlyList<string> StderrLines { get; init; } = [];

    /// <summary>Fuel consumed: the budget minus what is left (the whole budget on
    /// <see cref="WasiRunOutcome.OutOfFuel"/>).</summary>
    public long FuelConsumed { get; init; }

    /// <summary>Wasmtime's trap code for <see cref="WasiRunOutcome.Trapped"/>, <see cref="WasiRunOutcome.OutOfFuel"/>
    /// and <see cref="WasiRunOutcome.Interrupted"/> when the trap came from wasm code; otherwise null.</summary>
    public TrapCode? TrapCode { get; init; }

    /// <summary>Error text for anything but success; null on success.</summary>
    public string? Message { get; init; }

    /// <summary>Whether the run succeeded.</summary>
    public bool Succeeded => Outcome == WasiRunOutcome.Succeeded;
}
