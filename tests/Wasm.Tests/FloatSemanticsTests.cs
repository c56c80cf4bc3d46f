using Xunit;
using static Marketplace.Wasm.Tests.WasmBuilder;

namespace Marketplace.Wasm.Tests;

/// <summary>Arithmetic with identity constants must still quiet signalling NaNs (the JIT must not fold x*1 to x).</summary>
public sealed class FloatSemanticsTests
{
    [Theory]
    [InlineData(0x92, 0x80000000u)] // f32.add x -0.0
    [InlineData(0x93, 0x00000000u)] // f32.sub x 0.0
    [InlineData(0x94, 0x3F800000u)] // f32.mul x 1.0
    [InlineData(0x95, 0x3F800000u)] // f32.div x 1.0
    public void F32_identity_operations_return_arithmetic_nans(byte op, uint constBits)
    {
        var code = new List<byte> { 0x20, 0x00, 0x43 };
        code.AddRange(BitConverter.GetBytes(constBits));
        code.Add(op);
        code.Add(0x0B);
        var b = new WasmBuilder();
        var t = b.Type(new[] { F32 }, new[] { F32 });
        b.Function("f", t, Array.Empty<byte>(), code.ToArray());
        var engine = new Engine(new Config().WithNaNCanonicalization(false));
        var f = new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())).GetFunction("f")!;
        var signalling = new WasmValue(ValueKind.Float32, 0x7FA00000, null);
        var bits = (uint)f.Invoke(signalling)[0].Bits;
        Assert.True((bits & 0x7FC00000) == 0x7FC00000, $"0x{bits:x8} is not an arithmetic (quiet) NaN");
        Assert.Equal(1.5f, f.Invoke(WasmValue.FromSingle(1.5f))[0].AsSingle());
    }

    [Theory]
    [InlineData(0xA0, 0x8000000000000000ul)]
    [InlineData(0xA1, 0x0000000000000000ul)]
    [InlineData(0xA2, 0x3FF0000000000000ul)]
    [InlineData(0xA3, 0x3FF0000000000000ul)]
    public void F64_identity_operations_return_arithmetic_nans(byte op, ulong constBits)
    {
        var code = new List<byte> { 0x20, 0x00, 0x44 };
        code.AddRange(BitConverter.GetBytes(constBits));
        code.Add(op);
        code.Add(0x0B);
        var b = new WasmBuilder();
        var t = b.Type(new[] { F64 }, new[] { F64 });
        b.Function("f", t, Array.Empty<byte>(), code.ToArray());
        var engine = new Engine(new Config().WithNaNCanonicalization(false));
        var f = new Linker(engine).Instantiate(new Store(engine), Module.FromBytes(engine, b.Build())).GetFunction("f")!;
        var signalling = new WasmValue(ValueKind.Float64, 0x7FF4000000000000, null);
        var bits = (ulong)f.Invoke(signalling)[0].Bits;
        Assert.True((bits & 0x7FF8000000000000) == 0x7FF8000000000000, $"0x{bits:x16} is not an arithmetic (quiet) NaN");
    }
}
