// Design note: a job run is stopped from outside (timeout, cancel, worker shutdown) the same way for both host ABIs:
// a flag set from any thread, read by the store's epoch-deadline callback at the next tick of the silo's epoch
// ticker, which then unwinds the guest with SandboxInterruptedException. The flag lives in the context because the
// context is the store's data, the only thing the callback is given.

using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>The interrupt flag of a WASI run driven by the program runner.</summary>
internal sealed partial class WasiContext
{
    private volatile bool _interrupted;

    /// <summary>Whether <see cref="Interrupt"/> was called.</summary>
    public bool Interrupted => _interrupted;

    /// <summary>Asks the run to stop: the next epoch tick unwinds the guest (any thread, any time).</summary>
    public void Interrupt() => _interrupted = true;

    /// <summary>The epoch-deadline callback of a store whose data is a <see cref="WasiContext"/>: stops an
    /// interrupted run, else checks again at the next tick.</summary>
    /// <exception cref="SandboxInterruptedException">The run was interrupted.</exception>
    public static ulong OnEpochDeadline(Store store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.GetData() is WasiContext { Interrupted: true })
        {
            throw new SandboxInterruptedException();
        }

        return 1;
    }
}
