using Xunit;
using static Marketplace.Wasm.Tests.WasmBuilder;

namespace Marketplace.Wasm.Tests;

/// <summary>Valid but extreme code shapes must compile and run without endangering the host (JIT limits, stack).</summary>
public sealed class DeepCodeTests
{
    private static readonly byte[] None = Array.Empty<byte>();

    [Theory]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void Long_dependency_chains_compile_and_run(int length)
    {
        // local.get 0 (local.get 0 i32.add) * length: one expression tree `length` levels deep.
        var code = new List<byte> { 0x20, 0x00 };
        for (var i = 0; i < length; i++)
        {
            code.AddRange(new byte[] { 0x20, 0x00, 0x6A });
        }

        code.Add(0x0B);
        var b = new WasmBuilder();
        var t = b.Type(new[] { I32 }, new[] { I32 });
        b.Function("chain", t, None, code.ToArray());
        var engine = new Engine(new Config().WithFuelConsumption(true));
        var store = new Store(engine);
        store.SetFuel(10_000_000);
        var f = new Linker(engine).Instantiate(store, Module.FromBytes(engine, b.Build())).GetFunction<int, int>("chain");
        int result = 0;
        var thread = new Thread(() => result = f(3), 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Equal(3 * (length + 1), result);
    }

    [Theory]
    [InlineData(5_000)]
    public void Deep_operand_stacks_compile_and_run(int depth)
    {
        // i32.const 1 pushed `depth` times, then depth-1 adds.
        var code = new List<byte>();
        for (var i = 0; i < depth; i++)
        {
            code.AddRange(new byte[] { 0x41, 0x01 });
        }

        for (var i = 1; i < depth; i++)
        {
            code.Add(0x6A);
        }

        code.Add(0x0B);
        var b = new WasmBuilder();
        var t = b.Type(None, new[] { I32 });
        b.Function("sum", t, None, code.ToArray());
        var engine = new Engine();
        var f = new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())).GetFunction<int>("sum");
        int result = 0;
        var thread = new Thread(() => result = f(), 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Equal(depth, result);
    }

    [Fact]
    public void Operand_stacks_beyond_the_implementation_limit_are_rejected_before_compiling()
    {
        var code = new List<byte>();
        for (var i = 0; i < 400_000; i++)
        {
            code.AddRange(new byte[] { 0x41, 0x01 });
        }

        for (var i = 1; i < 400_000; i++)
        {
            code.Add(0x6A);
        }

        code.Add(0x0B);
        var b = new WasmBuilder();
        var t = b.Type(None, new[] { I32 });
        b.Function("sum", t, None, code.ToArray());
        var e = Assert.Throws<WasmValidationException>(() => Module.FromBytes(new Engine(), b.Build()));
        Assert.Contains("implementation limit", e.Reason);
    }

    [Theory]
    [InlineData(20_000)]
    public void Deeply_nested_blocks_compile_and_run(int nesting)
    {
        var code = new List<byte>();
        for (var i = 0; i < nesting; i++)
        {
            code.AddRange(new byte[] { 0x02, 0x40 });
        }

        for (var i = 0; i < nesting; i++)
        {
            code.Add(0x0B);
        }

        code.AddRange(new byte[] { 0x41, 0x07, 0x0B });
        var b = new WasmBuilder();
        var t = b.Type(None, new[] { I32 });
        b.Function("nest", t, None, code.ToArray());
        var engine = new Engine();
        var f = new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())).GetFunction<int>("nest");
        Assert.Equal(7, f());
    }
}
