using System.Diagnostics;
using Xunit;
using static Marketplace.Wasm.Tests.WasmBuilder;

namespace Marketplace.Wasm.Tests;

/// <summary>Store.Interrupt: another thread stops running code; the fuel budget is handed out in slices.</summary>
public sealed class InterruptTests
{
    private static readonly byte[] None = Array.Empty<byte>();

    private static (Engine Engine, Store Store, Action Spin) SpinModule(long interval = 1_000_000)
    {
        // (func (export "spin") (loop br 0))
        var b = new WasmBuilder();
        var t = b.Type(None, None);
        b.Function("spin", t, None, 0x03, 0x40, 0x0C, 0x00, 0x0B, 0x0B);
        var engine = new Engine(new Config().WithFuelConsumption(true).WithInterruptCheckInterval(interval));
        var store = new Store(engine);
        var spin = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetAction("spin");
        return (engine, store, spin);
    }

    [Fact]
    public void Interrupt_from_another_thread_stops_an_infinite_loop_with_a_huge_budget()
    {
        var (_, store, spin) = SpinModule();
        store.SetFuel(ulong.MaxValue);
        using var timer = new Timer(_ => store.Interrupt(), null, 50, Timeout.Infinite);
        var clock = Stopwatch.StartNew();
        var trap = Assert.Throws<WasmTrap>(spin);
        Assert.Equal(TrapCode.Interrupted, trap.Code);
        Assert.True(store.IsInterrupted);
        Assert.True(store.FuelConsumed > 0, "the loop ran before the interrupt");
        Assert.True(store.GetFuel() > 0, "the budget was not the reason it stopped");

        // The deadline is far from the budget: without the interrupt the loop would run for days. The bound only
        // proves the call did not hang.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"interrupt took {clock.Elapsed}");
    }

    [Fact]
    public void Recursion_without_loops_is_interrupted_too()
    {
        // (func $f (param i32) (if (local.get 0) (then (call $f (i32.sub (local.get 0) 1)) (call $f (i32.sub ...)))))
        // 2^40 calls: only the function-entry checks can stop it.
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, None);
        b.Function("f", t, None,
            0x20, 0x00, 0x04, 0x40,
            0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x00,
            0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x00,
            0x0B, 0x0B);
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var store = new Store(engine);
        var f = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction("f")!;
        store.SetFuel(ulong.MaxValue);
        using var timer = new Timer(_ => store.Interrupt(), null, 50, Timeout.Infinite);
        var trap = Assert.Throws<WasmTrap>(() => f.Invoke(WasmValue.FromInt32(40)));
        Assert.Equal(TrapCode.Interrupted, trap.Code);
    }

    [Fact]
    public void An_interrupted_store_refuses_further_calls()
    {
        var (_, store, spin) = SpinModule();
        store.SetFuel(1_000);
        store.Interrupt();
        Assert.Equal(TrapCode.Interrupted, Assert.Throws<WasmTrap>(spin).Code);
        Assert.Equal(0UL, store.FuelConsumed);
    }

    [Theory]
    [InlineData(1_000, 12_345)]
    [InlineData(1_000, 1)]
    [InlineData(4_096, 100_000)]
    public void Slices_do_not_change_the_fuel_rule(long interval, int n)
    {
        // countdown loop: 5 fuel per iteration + 1 after the loop (see SandboxTests), across many slices.
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, new[] { I32 });
        b.Function("countdown", t, None, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B, 0x20, 0x00, 0x0B);
        var engine = new Engine(new Config().WithFuelConsumption(true).WithInterruptCheckInterval(interval));
        var store = new Store(engine);
        var countDown = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction<int, int>("countdown");
        var expected = (ulong)(5L * n + 1);

        store.SetFuel(expected);
        Assert.Equal(0, countDown(n));
        Assert.Equal(expected, store.FuelConsumed);
        Assert.Equal(0UL, store.GetFuel());

        store.SetFuel(expected - 1);
        Assert.Equal(TrapCode.OutOfFuel, Assert.Throws<WasmTrap>(() => countDown(n)).Code);
        Assert.Equal(expected - 1, store.FuelConsumed);
        Assert.Equal(0UL, store.GetFuel());

        store.SetFuel(10 * expected);
        Assert.Equal(0, countDown(n));
        Assert.Equal(expected, store.FuelConsumed);
        Assert.Equal(9 * expected, store.GetFuel());
    }

    [Fact]
    public void Host_fuel_charges_draw_on_the_reserve()
    {
        var (_, store, _) = SpinModule(interval: 1_000);
        store.SetFuel(10_000);
        store.ConsumeFuel(2_500);
        Assert.Equal(7_500UL, store.GetFuel());
        Assert.Equal(2_500UL, store.FuelConsumed);
        Assert.Equal(TrapCode.OutOfFuel, Assert.Throws<WasmTrap>(() => store.ConsumeFuel(7_501)).Code);
        Assert.Equal(0UL, store.GetFuel());
        Assert.Equal(10_000UL, store.FuelConsumed);
    }

    [Fact]
    public void Interrupt_needs_fuel_metering()
    {
        var engine = new Engine(new Config());
        Assert.Throws<NotSupportedException>(() => new Store(engine).Interrupt());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Config().WithInterruptCheckInterval(10));
    }
}
