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

    /// <summary>Canonical id of a signature, equal for structurally equal types (used by call_indirect).</summary>
    internal int TypeId(FuncType t) => typeIds.GetOrAdd(t, _ => Interlocked.Increment(ref nextTypeId));
}
