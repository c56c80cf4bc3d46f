namespace Marketplace.Grains.Execution;

/// <summary>
/// Thrown by a host function to stop the run with a trap: the binding turns it into a Wasmtime trap at the
/// wasm-to-host boundary and hands it back as the inner exception of the resulting <c>WasmtimeException</c>, where
/// <see cref="ProgramExecution"/> reads <see cref="Outcome"/>. Host functions throw nothing else (see
/// <see cref="OnvmHost"/>).
/// </summary>
internal sealed class HostTrapException : Exception
{
    /// <summary>Creates a trap ending the run with <paramref name="outcome"/>.</summary>
    public HostTrapException(ProgramRunOutcome outcome, string message, Exception? inner = null)
        : base(message, inner)
    {
        Outcome = outcome;
    }

    /// <summary>How the run ends: <see cref="ProgramRunOutcome.Trapped"/> or <see cref="ProgramRunOutcome.OutOfFuel"/>.</summary>
    public ProgramRunOutcome Outcome { get; }
}
