// Design note: the host side of wasi_snapshot_preview1, defined by us instead of Wasmtime's DefineWasi (which reads
// the host's clocks and entropy and opens the host's stdio). Define registers every function of the WasiPreview1
// catalog once per linker; the functions keep no state of their own and find the run's WasiContext through
// Caller.GetData(), so one linker serves any number of concurrent runs.
//
// Conventions shared by all functions:
// - Errors are WASI errno results; descriptor checks come first (EBADF), then guest pointers (EFAULT), then the
//   arguments (EINVAL). A function that returns an error has changed nothing: no memory written, no input consumed,
//   no time advanced.
// - The only exceptions thrown are WasiRunAbortedException (proc_exit, stdout cap, host-call fuel), after the
//   reason was recorded in the context. Anything else escaping a host function is a host defect; Wasmtime turns it
//   into a trap and the runner reports HostFailure.
// - Host calls that move bytes charge fuel through Caller.Fuel (WasiContext.BytesPerFuel), so a program cannot buy
//   unmetered work by asking the host to copy or hash large buffers.

using Wasmtime;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>Registers the deterministic <c>wasi_snapshot_preview1</c> functions on a Wasmtime linker (see
/// grains/Execution/Wasi/README.md for the behaviour of each).</summary>
internal static partial class WasiPreview1Host
{
    private const string M = WasiPreview1.ModuleName;

    /// <summary>Defines every function of <see cref="WasiPreview1.SupportedFunctions"/> on <paramref name="linker"/>.
    /// Call once per linker; the store of every run instantiated through it must hold a <see cref="WasiContext"/> as
    /// its data, and its engine must have fuel consumption enabled.</summary>
    public static void Define(Linker linker)
    {
        ArgumentNullException.ThrowIfNull(linker);
        DefineArgsAndClocks(linker);
        DefineDescriptors(linker);
        DefineRefusals(linker);
    }

    private static WasiContext ContextOf(Caller caller) =>
        caller.GetData() as WasiContext
        ?? throw new InvalidOperationException("The store's data is not a WasiContext: create the store as new Store(engine, new WasiContext(options)).");

    /// <summary>Charges the fuel for a host call that moves <paramref name="bytes"/> bytes; ends the run with
    /// <see cref="WasiRunOutcome.OutOfFuel"/> when the fuel left does not cover it.</summary>
    private static void Charge(Caller caller, WasiContext context, long bytes)
    {
        var cost = (ulong)((bytes + WasiContext.BytesPerFuel - 1) / WasiContext.BytesPerFuel);
        if (cost == 0)
        {
            return;
        }

        var fuel = caller.Fuel;
        if (fuel < cost)
        {
            caller.Fuel = 0;
            throw context.Fail(WasiRunOutcome.OutOfFuel, $"out of fuel: a host call moving {bytes} bytes costs {cost} fuel, {fuel} left");
        }

        caller.Fuel = fuel - cost;
    }
}
