// Design note: the wasm engine is getting Store.Interrupt() (callable from another thread; the running code traps
// with TrapCode.Interrupted). Until that lands in this branch the runner binds to it by name, once, so this file
// compiles either way; without it a timed-out or cancelled run is abandoned (its result discarded, nothing
// committed) and runs on until its fuel ends. After the merge these members become direct calls.

using Marketplace.Wasm;

namespace Marketplace.Grains.Execution;

/// <summary>Interrupting a running store from another thread.</summary>
internal static class StoreInterruption
{
    private static readonly Action<Store>? s_interrupt =
        typeof(Store).GetMethod("Interrupt", Type.EmptyTypes)?.CreateDelegate<Action<Store>>();

    /// <summary>Whether the engine can interrupt running code.</summary>
    public static bool Supported => s_interrupt is not null;

    /// <summary>Asks the code running in <paramref name="store"/> to trap as soon as it can.</summary>
    public static void Request(Store store) => s_interrupt?.Invoke(store);

    /// <summary>Whether <paramref name="trap"/> is the trap of an interrupt.</summary>
    public static bool IsInterrupt(WasmTrap trap) => trap.Code.ToString() == "Interrupted";
}
