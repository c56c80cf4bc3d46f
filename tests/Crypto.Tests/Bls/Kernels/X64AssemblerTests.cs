using Marketplace.Crypto.Bls.Kernels;
using Xunit;

namespace Marketplace.Crypto.Tests.Bls.Kernels;

/// <summary>
/// The encoder against GNU as 2.40 (binutils, Debian bookworm): every expected byte string below is what
/// `as` produced for the Intel-syntax instruction named with it (objdump -d -M intel), for every instruction form and
/// operand shape the kernels use.
/// </summary>
public sealed class X64AssemblerTests
{
    public static TheoryData<string, string> Encodings()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _, hex) in Cases)
        {
            data.Add(name, hex);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void EncodesLikeTheReferenceAssembler(string instruction, string expectedHex)
    {
        var asm = new X64Assembler();
        Cases.Single(c => c.Name == instruction).Emit(asm);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(asm.Finish()));
    }

    [Fact]
    public void CallsAndRipOperandsResolveToTheirLabels()
    {
        var asm = new X64Assembler();
        var target = asm.NewLabel();
        var data = asm.NewLabel();
        asm.Call(target);                          // 0: e8 rel32, ends at 5
        asm.Mov(Reg.Rax, Mem.Rip(data, 8));        // 5: 48 8b 05 rel32, ends at 12
        asm.Bind(target);                          // 12
        asm.Ret();                                 // 12: c3
        asm.Bind(data);                            // 13
        asm.Quad(0x0807060504030201);
        asm.Quad(0x100f0e0d0c0b0a09);
        byte[] code = asm.Finish();
        Assert.Equal(12 - 5, BitConverter.ToInt32(code, 1));
        Assert.Equal(13 + 8 - 12, BitConverter.ToInt32(code, 8));
        Assert.Equal("e807000000488b0509000000c3", Convert.ToHexStringLower(code.AsSpan(0, 13)));
    }

    /// <summary>
    /// A block in the shape the kernels use: RIP-relative operands with addends on SUB/SBB/AND/ADD/IMUL/MULX, loads
    /// through a pointer, ADD with rsp, ADD/CMP with imm8, TEST, forward and backward JZ/JNZ (rel32: the reference
    /// source forces {disp32}), CMOVC, a backward CALL and the constant table, against GNU as byte for byte.
    /// </summary>
    [Fact]
    public void KernelShapedBlockMatchesTheReferenceAssembler()
    {
        var asm = new X64Assembler();
        Label top = asm.NewLabel(), forward = asm.NewLabel(), data = asm.NewLabel(), inverse = asm.NewLabel();
        asm.Bind(top);
        asm.Sub(Reg.R9, Mem.Rip(data, 8));
        asm.Sbb(Reg.Rax, Mem.Rip(data, 40));
        asm.And(Reg.Rcx, Mem.Rip(data));
        asm.Add(Reg.R14, Mem.Rip(data, 16));
        asm.Imul(Reg.Rdx, Mem.Rip(inverse));
        asm.Mulx(Reg.Rcx, Reg.Rbp, Mem.Rip(data, 24));
        asm.Mov(Reg.Rcx, new Mem(Reg.Rax, 0));
        asm.Mov(Reg.Rbx, new Mem(Reg.Rax, 8));
        asm.Add(Reg.Rbx, Reg.Rsp);
        asm.AddImm(Reg.Rax, 16);
        asm.AddImm(Reg.Rcx, -1);
        asm.Test(Reg.Rcx, Reg.Rcx);
        asm.CmpImm(Reg.Rbx, -1);
        asm.Jz(forward);
        asm.Jnz(top);
        asm.Cmovc(Reg.R8, Reg.Rax);
        asm.Adc(Reg.R12, Reg.R10);
        asm.Sbb(Reg.R13, Reg.R11);
        asm.Sub(Reg.R8, Reg.R9);
        asm.Bind(forward);
        asm.Lea(Reg.Rdi, new Mem(Reg.Rsp, 48));
        asm.Mov(new Mem(Reg.Rsp, 872), Reg.Rdx);
        asm.Call(top);
        asm.Ret();
        asm.Bind(data);
        for (ulong k = 1; k <= 6; k++)
        {
            asm.Quad(k);
        }

        asm.Bind(inverse);
        asm.Quad(7);
        const string expected =
            "4c2b0d73000000481b058c00000048230d5d0000004c033566000000480faf157e000000c4e2d3f60d5d000000488b08488b5808" +
            "4801e34883c0104883c1ff4885c94883fbff0f84130000000f85aeffffff4c0f42c04d11d44d19dd4d29c8488d7c24304889942468" +
            "030000e88fffffffc3" +
            "0100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000";
        Assert.Equal(expected, Convert.ToHexStringLower(asm.Finish()));
    }

    [Fact]
    public void BackwardCallsAreNegative()
    {
        var asm = new X64Assembler();
        var top = asm.NewLabel();
        asm.Bind(top);
        asm.Ret();
        asm.Call(top);
        Assert.Equal(-6, BitConverter.ToInt32(asm.Finish(), 2));
    }

    [Fact]
    public void LabelMistakesAreReported()
    {
        var asm = new X64Assembler();
        var label = asm.NewLabel();
        asm.Bind(label);
        Assert.Throws<InvalidOperationException>(() => asm.Bind(label));

        var unbound = new X64Assembler();
        unbound.Call(unbound.NewLabel());
        Assert.Throws<InvalidOperationException>(() => unbound.Finish());
    }

    private static readonly (string Name, Action<X64Assembler> Emit, string Hex)[] Cases =
    [
        ("mov rax, rbx", a => a.Mov(Reg.Rax, Reg.Rbx), "4889d8"),
        ("mov r15, rsi", a => a.Mov(Reg.R15, Reg.Rsi), "4989f7"),
        ("mov r9, [rsp+8]", a => a.Mov(Reg.R9, new Mem(Reg.Rsp, 8)), "4c8b4c2408"),
        ("mov [r12], r10", a => a.Mov(new Mem(Reg.R12, 0), Reg.R10), "4d891424"),
        ("mov rdx, [rbp]", a => a.Mov(Reg.Rdx, new Mem(Reg.Rbp, 0)), "488b5500"),
        ("mov [r13+200], rcx", a => a.Mov(new Mem(Reg.R13, 200), Reg.Rcx), "49898dc8000000"),
        ("mov rax, [rsi-8]", a => a.Mov(Reg.Rax, new Mem(Reg.Rsi, -8)), "488b46f8"),
        ("lea rdi, [rsp+1000]", a => a.Lea(Reg.Rdi, new Mem(Reg.Rsp, 1000)), "488dbc24e8030000"),
        ("xor eax, eax", a => a.Zero(Reg.Rax), "31c0"),
        ("xor r14d, r14d", a => a.Zero(Reg.R14), "4531f6"),
        ("add r8, r9", a => a.Add(Reg.R8, Reg.R9), "4d01c8"),
        ("add rax, [rbx+40]", a => a.Add(Reg.Rax, new Mem(Reg.Rbx, 40)), "48034328"),
        ("adc r13, [rdi+16]", a => a.Adc(Reg.R13, new Mem(Reg.Rdi, 16)), "4c136f10"),
        ("sub rsi, r15", a => a.Sub(Reg.Rsi, Reg.R15), "4c29fe"),
        ("sbb r10, [rsp+48]", a => a.Sbb(Reg.R10, new Mem(Reg.Rsp, 48)), "4c1b542430"),
        ("and rax, rcx", a => a.And(Reg.Rax, Reg.Rcx), "4821c8"),
        ("and rbp, [rsi]", a => a.And(Reg.Rbp, new Mem(Reg.Rsi, 0)), "48232e"),
        ("adc r14, 0", a => a.AdcImm(Reg.R14, 0), "4983d600"),
        ("sbb rax, rax", a => a.Sbb(Reg.Rax, Reg.Rax), "4819c0"),
        ("sub rsp, 1152", a => a.SubImm32(Reg.Rsp, 1152), "4881ec80040000"),
        ("add rsp, 1152", a => a.AddImm32(Reg.Rsp, 1152), "4881c480040000"),
        ("adcx r9, rbp", a => a.Adcx(Reg.R9, Reg.Rbp), "664c0f38f6cd"),
        ("adox r8, r15", a => a.Adox(Reg.R8, Reg.R15), "f34d0f38f6c7"),
        ("adcx rax, [rsi+8]", a => a.Adcx(Reg.Rax, new Mem(Reg.Rsi, 8)), "66480f38f64608"),
        ("adox r11, [r12+24]", a => a.Adox(Reg.R11, new Mem(Reg.R12, 24)), "f34d0f38f65c2418"),
        ("mulx rcx, rbp, [rsi+40]", a => a.Mulx(Reg.Rcx, Reg.Rbp, new Mem(Reg.Rsi, 40)), "c4e2d3f64e28"),
        ("mulx r9, r8, [rsi]", a => a.Mulx(Reg.R9, Reg.R8, new Mem(Reg.Rsi, 0)), "c462bbf60e"),
        ("mulx r14, r13, r10", a => a.Mulx(Reg.R14, Reg.R13, Reg.R10), "c44293f6f2"),
        ("mulx rax, rdx, [rbx]", a => a.Mulx(Reg.Rax, Reg.Rdx, new Mem(Reg.Rbx, 0)), "c4e2ebf603"),
        ("imul rdx, r8", a => a.Imul(Reg.Rdx, Reg.R8), "490fafd0"),
        ("imul rdx, [rsi+8]", a => a.Imul(Reg.Rdx, new Mem(Reg.Rsi, 8)), "480faf5608"),
        ("cmovc r8, rax", a => a.Cmovc(Reg.R8, Reg.Rax), "4c0f42c0"),
        ("push rbx", a => a.Push(Reg.Rbx), "53"),
        ("push r15", a => a.Push(Reg.R15), "4157"),
        ("pop r12", a => a.Pop(Reg.R12), "415c"),
        ("pop rbp", a => a.Pop(Reg.Rbp), "5d"),
        ("ret", a => a.Ret(), "c3"),
    ];
}
