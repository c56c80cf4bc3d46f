using System.Text;
using Wasmtime;

namespace Marketplace.Grains.Tests.Samples;

/// <summary>
/// Test-only stand-in for the ONVM host, used to exercise the sample modules on the real Wasmtime engine without a silo:
/// <c>onvm_state_get</c>/<c>onvm_state_put</c> over an in-memory dictionary (writes apply at once, no overlay or
/// state root), input placed in fresh pages above the module's memory as the Marketplace runner does. The acceptance
/// tests (SampleProgramRunnerTests) use the real runner instead.
/// </summary>
internal sealed class InMemoryOnvmHost
{
    private static readonly Engine Engine = new(new Config().WithFuelConsumption(true).WithCraneliftNaNCanonicalization(true));

    /// <summary>The program's state: key bytes (as Latin-1 text, one char per byte) to value bytes.</summary>
    public SortedDictionary<string, byte[]> State { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs <c>onvm_main</c> of <paramref name="wasm"/> on <paramref name="input"/>, placed in fresh pages
    /// or, with <paramref name="atOffsetZero"/>, at offset 0 as ONVM does.</summary>
    public (byte[] Output, long FuelConsumed) Run(byte[] wasm, byte[] input, long fuel = 50_000_000, bool atOffsetZero = false)
    {
        using var module = Module.FromBytes(Engine, "sample", wasm);
        using var linker = new Linker(Engine);
        Instance? instance = null;
        Memory Memory() => instance!.GetMemory("memory")!;
        linker.DefineFunction("env", "onvm_state_get", (int keyPtr, int keyLen, int outPtr, int outCap) =>
        {
            var key = Encoding.Latin1.GetString(Memory().GetSpan(keyPtr, keyLen));
            if (!State.TryGetValue(key, out var value) || value.Length == 0)
            {
                return 0;
            }

            if (value.Length > outCap)
            {
                return -value.Length;
            }

            value.CopyTo(Memory().GetSpan(outPtr, value.Length));
            return value.Length;
        });
        linker.DefineFunction("env", "onvm_state_put", (int keyPtr, int keyLen, int valuePtr, int valueLen) =>
        {
            var key = Encoding.Latin1.GetString(Memory().GetSpan(keyPtr, keyLen));
            State[key] = Memory().GetSpan(valuePtr, valueLen).ToArray();
            return 0;
        });
        using var store = new Store(Engine);
        store.Fuel = (ulong)fuel;
        store.SetLimits(memorySize: 1024L * Wasmtime.Memory.PageSize);
        instance = linker.Instantiate(store, module);
        var inPtr = 0;
        if (!atOffsetZero)
        {
            var pages = Memory().Grow(input.Length / Wasmtime.Memory.PageSize + 1);
            if (pages < 0)
            {
                throw new InvalidOperationException("memory did not grow for the input");
            }

            inPtr = (int)(pages * Wasmtime.Memory.PageSize);
        }

        input.CopyTo(Memory().GetSpan(inPtr, input.Length));
        var (outPtr, outLength) = instance.GetFunction<int, int, ValueTuple<int, int>>("onvm_main")!(inPtr, input.Length);
        var output = Memory().GetSpan(outPtr, outLength).ToArray();
        return (output, (long)((ulong)fuel - store.Fuel));
    }

    /// <summary>Runs with UTF-8 text in and out.</summary>
    public string Run(byte[] wasm, string input) => Encoding.UTF8.GetString(Run(wasm, Encoding.UTF8.GetBytes(input)).Output);
}
