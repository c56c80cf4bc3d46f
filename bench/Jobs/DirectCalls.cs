using System.Diagnostics;
using Marketplace.Wasm;

namespace Marketplace.Jobs.Bench;

/// <summary>The baseline: the trivial program's entrypoint called through the engine, with a fresh store and
/// instance per call and the input copied in and the output copied out, as one job run does.</summary>
internal static class DirectCalls
{
    public static (double CallsPerSecond, double P50Micros) Measure(byte[] wasm, byte[] input, TimeSpan duration)
    {
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var module = Module.FromBytes(engine, wasm);
        var linker = new Linker(engine);
        var samples = new List<double>(1 << 16);
        long calls = 0;
        for (var i = 0; i < 2000; i++)
        {
            Call(engine, linker, module, input);
        }

        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            Call(engine, linker, module, input);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            calls++;
        }

        samples.Sort();
        return (calls / total.Elapsed.TotalSeconds, samples[samples.Count / 2]);
    }

    private static byte[] Call(Engine engine, Linker linker, Module module, byte[] input)
    {
        var store = new Store(engine);
        store.SetFuel(50_000_000);
        store.SetLimits(memoryPages: 1024);
        var instance = linker.Instantiate(store, module);
        var memory = instance.GetMemory("memory")!;
        var at = memory.Grow(1) * Memory.PageSize;
        input.CopyTo(memory.GetSpan(at, input.Length));
        var results = instance.GetFunction("onvm_main")!.Invoke(WasmValue.FromInt32((int)at), WasmValue.FromInt32(input.Length));
        return memory.GetSpan(results[0].AsInt32(), results[1].AsInt32()).ToArray();
    }
}
