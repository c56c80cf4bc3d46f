using System.Diagnostics;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Marketplace.Jobs.Bench;

/// <summary>The baseline: the trivial program's entrypoint called on the silo's Wasmtime engine (its configuration,
/// its ONVM linker), with a fresh store (fuel, limits, epoch deadline) and instance per call and the input copied in
/// and the output copied out, as one job run does; plus the cold compile and a warm instantiate on their own.</summary>
internal static class DirectCalls
{
    public static (double CallsPerSecond, double P50Micros, double ColdCompileMs, double InstantiateP50Micros) Measure(
        byte[] wasm, byte[] input, TimeSpan duration)
    {
        var options = new ProgramOptions();
        using var engine = new SandboxEngine(options);
        var compile = Stopwatch.StartNew();
        var module = new ProgramModuleCache(engine, Options.Create(options)).Get(wasm);
        var coldCompileMs = compile.Elapsed.TotalMilliseconds;
        for (var i = 0; i < 2000; i++)
        {
            Call(engine, module, input);
        }

        var instantiate = new List<double>(4096);
        for (var i = 0; i < 4000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var store = NewStore(engine);
            engine.OnvmLinker.Instantiate(store, module.Module);
            instantiate.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        instantiate.Sort();
        var samples = new List<double>(1 << 16);
        long calls = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            Call(engine, module, input);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            calls++;
        }

        samples.Sort();
        return (calls / total.Elapsed.TotalSeconds, samples[samples.Count / 2], coldCompileMs, instantiate[instantiate.Count / 2]);
    }

    private static Store NewStore(SandboxEngine engine)
    {
        var store = new Store(engine.Engine);
        store.Fuel = 50_000_000;
        store.SetLimits(memorySize: 64L << 20, tableElements: 100_000, instances: 1, tables: 4, memories: 1);
        store.SetEpochDeadline(1);
        store.SetEpochDeadlineCallback(static _ => 1);
        return store;
    }

    private static byte[] Call(SandboxEngine engine, CompiledModule module, byte[] input)
    {
        using var store = NewStore(engine);
        var instance = engine.OnvmLinker.Instantiate(store, module.Module);
        var memory = instance.GetMemory("memory")!;
        var at = memory.Grow(1) * Memory.PageSize;
        input.CopyTo(memory.GetSpan(at, input.Length));
        var results = (object[])instance.GetFunction("onvm_main")!.Invoke([(int)at, input.Length])!;
        return memory.GetSpan((int)results[0], (int)results[1]).ToArray();
    }
}
