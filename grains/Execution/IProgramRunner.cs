namespace Marketplace.Grains.Execution;

/// <summary>
/// Runs one attempt of a program in the wasm sandbox on the host of its ABI (ONVM or WASI preview 1): loads (and caches) the compiled module,
/// reads the program's committed state, runs the entrypoint under the fuel, memory and wall-clock limits, and commits
/// the buffered state writes only when the run succeeds. Never throws for a failing program: the outcome says what
/// happened. Registered in the silo's services; workers call it.
/// </summary>
internal interface IProgramRunner
{
    /// <summary>Runs <paramref name="request"/>. <paramref name="cancellationToken"/> interrupts the run (cancel,
    /// worker shutdown); the result then has <see cref="ProgramRunOutcome.Cancelled"/>.</summary>
    Task<ProgramRunResult> RunAsync(ProgramRunRequest request, CancellationToken cancellationToken);
}
