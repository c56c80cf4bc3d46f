using Xunit;
using static Marketplace.Wasm.Tests.WasmBuilder;

namespace Marketplace.Wasm.Tests;

/// <summary>Host functions calling back into wasm, untyped multi-value host functions, host fuel charges.</summary>
public sealed class HostInteropTests
{
    private static readonly byte[] None = Array.Empty<byte>();

    [Fact]
    public void Reentrant_host_calls_keep_counting_call_depth_and_fuel()
    {
        // (import "env" "again" (func (param i32) (result i32)))
        // (func (export "down") (param i32) (result i32)
        //   (if (result i32) (local.get 0) (then (call $again (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 7))))
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, new[] { I32 });
        b.ImportFunction("env", "again", t);
        b.Function("down", t, None,
            0x20, 0x00, 0x04, 0x7F,
            0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x00,
            0x05, 0x41, 0x07, 0x0B, 0x0B);
        var engine = new Engine(new Config().WithFuelConsumption(true).WithMaxCallDepth(64));
        var store = new Store(engine);
        var linker = new Linker(engine);
        Func<int, int>? down = null;
        var hostCalls = 0;
        linker.DefineFunction("env", "again", (int n) =>
        {
            hostCalls++;
            store.ConsumeFuel(10);
            return down!(n);
        });
        down = linker.Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction<int, int>("down");

        store.SetFuel(1_000_000);
        Assert.Equal(7, down(20));
        Assert.Equal(20, hostCalls);
        var perLevel = store.FuelConsumed;
        store.SetFuel(1_000_000);
        Assert.Equal(7, down(20));
        Assert.Equal(perLevel, store.FuelConsumed);

        // Alternating wasm/host frames still hit the wasm depth limit instead of overflowing the stack.
        store.SetFuel(1_000_000_000);
        Assert.Equal(TrapCode.CallStackExhausted, Assert.Throws<WasmTrap>(() => down(1_000_000)).Code);
        store.SetFuel(1_000_000);
        Assert.Equal(7, down(3));
    }

    [Fact]
    public void Untyped_host_function_can_return_several_values()
    {
        // (import "env" "pair" (func (param i64) (result i64 f64)))
        // (func (export "f") (param i64) (result f64) (call $pair (local.get 0)) (drop?)...
        // Here: call pair, then f64 result is on top: convert i64 below and add.
        var b = new WasmBuilder();
        var pairType = b.Type(new[] { I64 }, new[] { I64, F64 });
        var fType = b.Type(new[] { I64 }, new[] { F64 });
        b.ImportFunction("env", "pair", pairType);
        // local.get 0; call 0 -> [i64 f64]; local.set? no locals of f64: use a local.
        b.Function("f", fType, new[] { F64 },
            0x20, 0x00, 0x10, 0x00,   // i64, f64
            0x21, 0x01,               // local1 = f64
            0xB9,                     // f64.convert_i64_s
            0x20, 0x01, 0xA0, 0x0B);  // + local1
        var engine = new Engine();
        var linker = new Linker(engine);
        linker.DefineFunction("env", "pair", new FuncType(new[] { ValueKind.Int64 }, new[] { ValueKind.Int64, ValueKind.Float64 }), (args, results) =>
        {
            results[0] = WasmValue.FromInt64(args[0].AsInt64() * 2);
            results[1] = WasmValue.FromDouble(0.5);
        });
        var f = linker.Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())).GetFunction<long, double>("f");
        Assert.Equal(42.5, f(21));
    }

    [Fact]
    public void Host_functions_are_type_checked_at_link_time()
    {
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, None);
        b.ImportFunction("env", "log", t);
        var engine = new Engine();
        var linker = new Linker(engine);
        linker.DefineFunction("env", "log", (long _) => { });
        var e = Assert.Throws<WasmLinkException>(() => linker.Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())));
        Assert.Contains("incompatible import type", e.Message);
        Assert.Throws<WasmLinkException>(() => new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())));
    }
}
