namespace Marketplace.Grains.Execution.Wasi;

/// <summary>Thrown by a host function to end the run (<c>proc_exit</c>, the stdout cap, host-call fuel). The reason
/// is recorded in the <see cref="WasiContext"/> before the throw; Wasmtime turns the exception into a trap that
/// unwinds the guest, and the runner reads the context, not this exception.</summary>
internal sealed class WasiRunAbortedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WasiRunAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WasiRunAbortedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public WasiRunAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
