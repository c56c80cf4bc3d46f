using Marketplace.TestSupport;
using Xunit;
using static Marketplace.Wasm.Tests.WasmBuilder;

namespace Marketplace.Wasm.Tests;

/// <summary>The public API: host functions, typed calls, memory access, caching, validation errors, NaN rules.</summary>
public sealed class EngineApiTests
{
    private static readonly byte[] None = Array.Empty<byte>();

    [Fact]
    public void Host_function_with_fuel_budget_and_memory_access()
    {
        // (import "env" "log" (func (param i32))) (memory 1) (export "memory")
        // (func (export "run") (param i32) (result i32)
        //   (i32.store (i32.const 16) (local.get 0)) (call $log (local.get 0)) (i32.mul (local.get 0) (i32.const 2)))
        var b = new WasmBuilder().Memory(1).ExportMemory("memory");
        var logType = b.Type(new[] { I32 }, None);
        var runType = b.Type(new[] { I32 }, new[] { I32 });
        b.ImportFunction("env", "log", logType);
        b.Function("run", runType, None,
            0x41, 0x10, 0x20, 0x00, 0x36, 0x02, 0x00,
            0x20, 0x00, 0x10, 0x00,
            0x20, 0x00, 0x41, 0x02, 0x6C, 0x0B);
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var module = Module.FromBytes(engine, b.Build());
        var logged = new List<int>();
        var store = new Store(engine);
        store.SetFuel(10_000);
        var linker = new Linker(engine);
        Instance? instance = null;
        linker.DefineFunction("env", "log", (int x) =>
        {
            logged.Add(x);
            logged.Add(instance!.GetMemory("memory")!.ReadInt32(16));
        });
        instance = linker.Instantiate(store, module);
        var run = instance.GetFunction<int, int>("run");
        Assert.Equal(42, run(21));
        Assert.Equal(new[] { 21, 21 }, logged);
        Assert.Equal(21, instance.GetMemory("memory")!.GetSpan()[16]);
        var first = store.FuelConsumed;
        Assert.True(first > 0);
        Assert.Equal(84, run(42));
        Assert.Equal(2 * first, store.FuelConsumed);
    }

    [Fact]
    public void Typed_calls_check_the_signature()
    {
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32, I32 }, new[] { I64 });
        b.Function("add", t, None, 0x20, 0x00, 0x20, 0x01, 0x6A, 0xAD, 0x0B);
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, b.Build()));
        Assert.Equal(4294967295L, instance.GetFunction<int, int, long>("add")(-2, 1));
        Assert.Throws<ArgumentException>(() => instance.GetFunction<int, int>("add"));
    }

    [Fact]
    public void Modules_are_cached_by_content_and_shareable_across_stores_and_threads()
    {
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, new[] { I32 });
        b.Function("sq", t, None, 0x20, 0x00, 0x20, 0x00, 0x6C, 0x0B);
        var engine = new Engine();
        var bytes = b.Build();
        var m1 = Module.FromBytes(engine, bytes);
        Assert.Same(m1, Module.FromBytes(engine, bytes.ToArray()));
        var results = new int[8];
        Parallel.For(0, 8, i =>
        {
            var inst = new Linker(engine).Instantiate(new Store(engine), m1);
            results[i] = inst.GetFunction<int, int>("sq")(i);
        });
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i * i), results);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 55)]
    [InlineData(1000, 500500)]
    public void Loops_with_parameters_carry_values_around_the_back_edge(int n, int expected)
    {
        // (func (param i32) (result i32) (i32.const 0)
        //   (loop (param i32) (result i32) local.get 0 i32.add local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0))
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, new[] { I32 });
        b.Function("sum", t, None, 0x41, 0x00, 0x03, 0x00, 0x20, 0x00, 0x6A, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B, 0x0B);
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var store = new Store(engine);
        store.SetFuel(1_000_000);
        var sum = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction<int, int>("sum");
        Assert.Equal(expected, sum(n));
        // Entry stretch: i32.const = 1; loop stretch: local.get, i32.add, local.get, i32.const, i32.sub, local.tee, br_if = 7.
        Assert.Equal((ulong)(1 + 7 * n), store.FuelConsumed);
    }

    [Fact]
    public void Different_modules_compile_in_parallel_on_one_engine()
    {
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var results = new int[32];
        Parallel.For(0, results.Length, i =>
        {
            // (func (export "k") (result i32) (i32.const i)) — a different module per i.
            var b = new WasmBuilder();
            var t = b.Type(None, new[] { I32 });
            b.Function("k", t, None, new byte[] { 0x41 }.Concat(SLeb(i * 1000)).Concat(new byte[] { 0x0B }).ToArray());
            var store = new Store(engine);
            store.SetFuel(10);
            results[i] = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction<int>("k")();
        });
        Assert.Equal(Enumerable.Range(0, results.Length).Select(i => i * 1000), results);
    }

    [Fact]
    public void Validation_errors_name_the_section_and_offset()
    {
        var bad = Assert.Throws<WasmValidationException>(() => Module.FromBytes(new Engine(), new byte[] { 0, 0x61, 0x73, 0x6E, 1, 0, 0, 0 }));
        Assert.Equal("header", bad.Section);
        Assert.Equal(0, bad.Offset);

        // i32.add with one operand: invalid.
        var b = new WasmBuilder();
        var t = b.Type(None, new[] { I32 });
        b.Function("f", t, None, 0x41, 0x01, 0x6A, 0x0B);
        var invalid = Assert.Throws<WasmValidationException>(() => Module.FromBytes(new Engine(), b.Build()));
        Assert.Equal("code", invalid.Section);
        Assert.Contains("type mismatch", invalid.Reason);
        Assert.True(invalid.Offset > 8);
    }

    [Fact]
    public void Nan_canonicalization_makes_arithmetic_nans_canonical_bit_for_bit()
    {
        // (func (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
        var b = new WasmBuilder();
        var t = b.Type(new[] { F32, F32 }, new[] { F32 });
        b.Function("add", t, None, 0x20, 0x00, 0x20, 0x01, 0x92, 0x0B);
        var payloadNan = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC12345));
        foreach (var canon in new[] { true, false })
        {
            var engine = new Engine(new Config().WithNaNCanonicalization(canon));
            var add = new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())).GetFunction<float, float, float>("add");
            var bits = BitConverter.SingleToInt32Bits(add(payloadNan, 1f));
            if (canon)
            {
                Assert.Equal(0x7FC00000, bits);
            }
            else
            {
                Assert.NotEqual(0x7FC00000, bits);
                Assert.True(float.IsNaN(BitConverter.Int32BitsToSingle(bits)));
            }
        }
    }

    [Theory]
    [InlineData("fib", 20, 6765u)]
    [InlineData("fib", 30, 832040u)]
    [InlineData("hash", 100, 2052508295u)]
    [InlineData("matmul", 2, 561568245u)]
    [InlineData("sieve", 1000000, 78498u)]
    [InlineData("sort", 100000, 2246119849u)]
    [InlineData("vm", 1000, 59542u)]
    public void Benchmark_modules_give_the_known_results_with_deterministic_fuel(string name, int n, uint checksum)
    {
        var path = Path.Combine(SharedData.Path("wasm-bench"), name + ".wasm");
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var fuel = new List<ulong>();
        for (var i = 0; i < 2; i++)
        {
            var store = new Store(engine);
            store.SetFuel(100_000_000_000);
            var run = new Linker(engine).Instantiate(store, Module.FromFile(engine, path)).GetFunction<int, int>("run");
            Assert.Equal(checksum, (uint)run(n));
            fuel.Add(store.FuelConsumed);
        }

        Assert.True(fuel[0] > (ulong)n);
        Assert.Equal(fuel[0], fuel[1]);
    }
}
