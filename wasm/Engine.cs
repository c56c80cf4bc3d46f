using System.Collections.Concurrent;
using Marketplace.Wasm.Compilation;

namespace Marketplace.Wasm;

/// <summary>Holds the configuration, the cache of compiled modules and shared generated glue. Thread-safe.</summary>
public sealed class Engine
{
    private readonly ConcurrentDictionary<FuncType, int> typeIds = new();
    private int nextTypeId;

    /// <summary>Creates an engine with default settings (fuel off, NaN canonicalization on).</summary>
    public Engine() : this(new Config())
    {
    }

    /// <summary>Creates an engine with the given settings (copied).</summary>
    public Engine(Config config)
    {
        Config = config.Clone();
    }

    /// <summary>The settings.</summary>
    public Config Config { get; }

    internal ConcurrentDictionary<string, Module> ModuleCache { get; } = new(StringComparer.Ordinal);

    internal Thunks Invokers { get; } = new();

    /// <summary>Guards <see cref="CodeModule"/> (Reflection.Emit builders are not thread-safe).</summary>
    internal object CompileLock { get; } = new();

    /// <summary>
    /// One collectible dynamic module per engine holds a type per compiled wasm module; compiled modules live as long as
    /// the engine's cache anyway, and one assembly per engine is much cheaper than one per module.
    /// </summary>
    internal System.Reflection.Emit.ModuleBuilder CodeModule =>
        codeModule ??= ModuleCompilation.NewModuleBuilder("WasmCode" + Interlocked.Increment(ref engineCount));

    private System.Reflection.Emit.ModuleBuilder? codeModule;
    private static int engineCount;

    /// <summary>Canonical id of a signature, equal for structurally equal types (used by call_indirect).</summary>
    internal int TypeId(FuncType t) => typeIds.GetOrAdd(t, _ => Interlocked.Increment(ref nextTypeId));
}
