namespace Marketplace.Grains.Execution;

/// <summary>Thrown from the epoch-deadline callback of a run whose interrupt flag is set (timeout, cancellation,
/// worker shutdown); Wasmtime unwinds the guest and returns it as the inner exception of a <c>WasmtimeException</c>.</summary>
internal sealed class SandboxInterruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SandboxInterruptedException()
        : base("the run was interrupted")
    {
    }
}
