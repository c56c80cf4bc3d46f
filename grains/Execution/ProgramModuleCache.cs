// Design note: the engine caches every compiled module for its lifetime and cannot evict one, so the bound is kept
// by generations: a generation is one Engine plus its Linker (the ONVM host functions); once it has compiled
// ModuleCacheCapacity distinct modules, the next compile starts a fresh generation and the old one is dropped. Runs
// still holding an old module finish on it; the old engine's code is collected after them. Lookups of a module
// already compiled in the current generation are a dictionary hit.

using System.Collections.Concurrent;
using Marketplace.Grains.Programs;
using Marketplace.Wasm;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Execution;

/// <summary>Compiles program modules once and keeps a bounded number of them.</summary>
internal sealed class ProgramModuleCache
{
    private readonly int _capacity;
    private readonly uint _maxPages;
    private readonly object _gate = new();
    private Generation _current;

    public ProgramModuleCache(IOptions<ProgramOptions> options)
    {
        _capacity = Math.Max(1, options.Value.ModuleCacheCapacity);
        _maxPages = (uint)Math.Clamp(options.Value.MaxMemoryBytes / Memory.PageSize, 1, 32767);
        _current = new Generation(_maxPages);
    }

    /// <summary>How many generations were started (1 at first).</summary>
    public int Generations { get; private set; } = 1;

    /// <summary>The compiled module and the linker of its engine, compiling on a miss.</summary>
    /// <exception cref="WasmException">The module does not validate or compile.</exception>
    public (Module Module, Linker Linker) Get(string key, ReadOnlySpan<byte> wasm)
    {
        var generation = Volatile.Read(ref _current);
        if (generation.Modules.TryGetValue(key, out var module))
        {
            return (module, generation.Linker);
        }

        lock (_gate)
        {
            generation = _current;
            if (generation.Modules.Count >= _capacity)
            {
                generation = new Generation(_maxPages);
                Volatile.Write(ref _current, generation);
                Generations++;
            }
        }

        module = Module.FromBytes(generation.Engine, wasm);
        generation.Modules[key] = module;
        return (module, generation.Linker);
    }

    private sealed class Generation
    {
        public Generation(uint maxPages)
        {
            Engine = new Engine(new Config()
                .WithFuelConsumption(true)
                .WithMaxMemoryPages(maxPages)
                .WithMaxCallDepth(10_000));
            Linker = OnvmHost.CreateLinker(Engine);
        }

        public Engine Engine { get; }

        public Linker Linker { get; }

        public ConcurrentDictionary<string, Module> Modules { get; } = new(StringComparer.Ordinal);
    }
}
