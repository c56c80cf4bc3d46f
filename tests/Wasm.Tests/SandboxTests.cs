using Xunit;
using static Marketplace.Wasm.Tests.WasmBuilder;

namespace Marketplace.Wasm.Tests;

/// <summary>Acceptance tests of the sandbox: fuel, memory limits, recursion, huge bulk operations.</summary>
public sealed class SandboxTests
{
    private static readonly byte[] None = Array.Empty<byte>();

    private static Engine Metered() => new(new Config().WithFuelConsumption(true));

    [Fact]
    public void Infinite_loop_runs_out_of_fuel_with_consumed_equal_to_budget()
    {
        var b = new WasmBuilder();
        var t = b.Type(None, None);
        b.Function("spin", t, None, 0x03, 0x40, 0x0C, 0x00, 0x0B, 0x0B);
        var engine = Metered();
        var store = new Store(engine);
        var spin = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetAction("spin");
        foreach (var budget in new ulong[] { 0, 1, 999, 1_000_000 })
        {
            store.SetFuel(budget);
            var trap = Assert.Throws<WasmTrap>(() => spin());
            Assert.Equal(TrapCode.OutOfFuel, trap.Code);
            Assert.Equal(budget, store.FuelConsumed);
            Assert.Equal(0UL, store.GetFuel());
        }
    }

    private static (Store Store, Func<int, int> CountDown) CountDownModule()
    {
        // (func (param $n i32) (result i32) (loop $l local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l) local.get 0)
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, new[] { I32 });
        b.Function("countdown", t, None, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B, 0x20, 0x00, 0x0B);
        var engine = Metered();
        var store = new Store(engine);
        return (store, new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction<int, int>("countdown"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(12345)]
    public void Fuel_follows_the_documented_rule_exactly(int n)
    {
        // Loop body: local.get, i32.const, i32.sub, local.tee, br_if = 5 per iteration; after the loop local.get = 1.
        var (store, countDown) = CountDownModule();
        store.SetFuel(1_000_000);
        Assert.Equal(0, countDown(n));
        var expected = (ulong)(5 * n + 1);
        Assert.Equal(expected, store.FuelConsumed);

        store.SetFuel(expected);
        Assert.Equal(0, countDown(n));
        Assert.Equal(0UL, store.GetFuel());

        store.SetFuel(expected - 1);
        var trap = Assert.Throws<WasmTrap>(() => countDown(n));
        Assert.Equal(TrapCode.OutOfFuel, trap.Code);
        Assert.Equal(expected - 1, store.FuelConsumed);
    }

    [Fact]
    public void Memory_grow_past_the_limit_returns_minus_one_and_oversized_modules_do_not_instantiate()
    {
        var b = new WasmBuilder().Memory(1);
        var t = b.Type(new[] { I32 }, new[] { I32 });
        b.Function("grow", t, None, 0x20, 0x00, 0x40, 0x00, 0x0B);
        var engine = Metered();
        var store = new Store(engine);
        store.SetLimits(memoryPages: 4);
        store.SetFuel(1000);
        var grow = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction<int, int>("grow");
        Assert.Equal(1, grow(3));
        Assert.Equal(-1, grow(1));
        Assert.Equal(-1, grow(int.MaxValue));
        Assert.Equal(4, grow(0));

        var big = new WasmBuilder().Memory(10).Build();
        var small = new Store(engine);
        small.SetLimits(memoryPages: 4);
        var e = Assert.Throws<WasmLinkException>(() => new Linker(engine).Instantiate(small, Module.FromBytes(engine, big)));
        Assert.Contains("exceeds the limit", e.Message);
    }

    [Fact]
    public void A_table_over_the_limit_fails_to_instantiate()
    {
        // (table 5000 funcref) in a store limited to 1000 elements.
        var module = new byte[] { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 4, 5, 1, 0x70, 0x00, 0x88, 0x27 };
        var engine = Metered();
        var store = new Store(engine);
        store.SetLimits(tableElements: 1000);
        var e = Assert.Throws<WasmLinkException>(() => new Linker(engine).Instantiate(store, Module.FromBytes(engine, module)));
        Assert.Contains("exceeds the limit", e.Message);
        Assert.NotNull(new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, module)));
    }

    private static Action Recursion(Engine engine, Store store)
    {
        var b = new WasmBuilder();
        var t = b.Type(None, None);
        b.Function("recurse", t, None, 0x10, 0x00, 0x0B);
        return new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetAction("recurse");
    }

    [Fact]
    public void Unbounded_recursion_traps_with_call_stack_exhausted_and_the_store_stays_usable()
    {
        var engine = new Engine();
        var store = new Store(engine);
        var recurse = Recursion(engine, store);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TrapCode.CallStackExhausted, Assert.Throws<WasmTrap>(recurse).Code);
        }

        var (s2, countDown) = CountDownModule();
        s2.SetFuel(100);
        Assert.Equal(0, countDown(3));
    }

    [Theory]
    [InlineData(128 * 1024)]
    [InlineData(256 * 1024)]
    public void Recursion_on_a_thread_with_a_small_stack_traps_instead_of_overflowing(int stackBytes)
    {
        var engine = new Engine(new Config().WithMaxCallDepth(1_000_000));
        var store = new Store(engine);
        var recurse = Recursion(engine, store);
        TrapCode? code = null;
        var thread = new Thread(() =>
        {
            try
            {
                recurse();
            }
            catch (WasmTrap t)
            {
                code = t.Code;
            }
        }, stackBytes);
        thread.Start();
        thread.Join();
        Assert.Equal(TrapCode.CallStackExhausted, code);
    }

    [Fact]
    public void A_one_gibibyte_memory_fill_runs_out_of_fuel_before_doing_the_work()
    {
        // (func (memory.fill (i32.const 0) (i32.const 7) (i32.const 0x40000000)))
        var b = new WasmBuilder().Memory(1);
        var t = b.Type(None, None);
        b.Function("fill", t, None, new byte[] { 0x41, 0x00, 0x41, 0x07, 0x41 }.Concat(SLeb(0x40000000)).Concat(new byte[] { 0xFC, 0x0B, 0x00, 0x0B }).ToArray());
        var engine = Metered();
        var store = new Store(engine);
        store.SetFuel(100_000);
        var fill = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetAction("fill");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var trap = Assert.Throws<WasmTrap>(fill);
        Assert.Equal(TrapCode.OutOfFuel, trap.Code);
        Assert.Equal(100_000UL, store.FuelConsumed);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "no large allocation may happen");

        // With enough fuel the same fill is out of bounds of the 1-page memory.
        store.SetFuel(100_000_000);
        Assert.Equal(TrapCode.OutOfBoundsMemory, Assert.Throws<WasmTrap>(fill).Code);
    }

    [Fact]
    public void Memory_of_a_dropped_instance_is_returned_to_the_host()
    {
        var weak = CreateAndDropBigMemory();
        for (var i = 0; i < 5 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive);
    }

    private static WeakReference CreateAndDropBigMemory()
    {
        var b = new WasmBuilder().Memory(1024).ExportMemory("mem");
        var engine = Metered();
        var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build()));
        var mem = instance.GetMemory("mem")!;
        Assert.Equal(1024L * 65536, mem.ByteLength);
        return new WeakReference(mem);
    }
}
