// Design note: the leaf routines of the field kernels, built from the macros in FieldKernelEmitter.cs. Internal
// convention: arguments in rdi (result), rsi and rdx (operands), every register but rsp clobbered, results written
// after the last read of any operand that may share their memory (r = a op b with r == a is always allowed).
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    private const int Fp2Bytes = 96;

    private readonly Label fpMul, fpSqr, fpAdd, fpSub, fpDbl, fpCopy;
    private readonly Label fp2Add, fp2Sub, fp2Dbl, fp2MulXi, fp2Mul, fp2Sqr, fp2MulFp, fp2Copy, fp2Zero;

    private static Mem Rdi(int offset = 0) => new(Reg.Rdi, offset);

    private static Mem Rsi(int offset = 0) => new(Reg.Rsi, offset);

    private static Mem Rbx(int offset = 0) => new(Reg.Rbx, offset);

    private void EmitRoutines()
    {
        Leaf(nameof(fpMul), fpMul, 0, () =>
        {
            asm.Mov(Reg.Rbx, Reg.Rdx);
            MontMul(Rdi(), Rsi(), Rbx());
        });
        Leaf(nameof(fpSqr), fpSqr, 0, () => MontMul(Rdi(), Rsi(), Rsi()));
        Leaf(nameof(fpAdd), fpAdd, 0, () =>
        {
            asm.Mov(Reg.Rbx, Reg.Rdx);
            AddMod(Rdi(), Rsi(), Rbx());
        });
        Leaf(nameof(fpSub), fpSub, 0, () =>
        {
            asm.Mov(Reg.Rbx, Reg.Rdx);
            SubMod(Rdi(), Rsi(), Rbx());
        });

        Leaf(nameof(fpDbl), fpDbl, 0, () => AddMod(Rdi(), Rsi(), Rsi()));
        Leaf(nameof(fpCopy), fpCopy, 0, () => Copy(Rdi(), Rsi()));

        Leaf(nameof(fp2Add), fp2Add, 0, () =>
        {
            asm.Mov(Reg.Rbx, Reg.Rdx);
            AddMod(Rdi(), Rsi(), Rbx());
            AddMod(Rdi(48), Rsi(48), Rbx(48));
        });
        Leaf(nameof(fp2Sub), fp2Sub, 0, () =>
        {
            asm.Mov(Reg.Rbx, Reg.Rdx);
            SubMod(Rdi(), Rsi(), Rbx());
            SubMod(Rdi(48), Rsi(48), Rbx(48));
        });
        Leaf(nameof(fp2Dbl), fp2Dbl, 0, () =>
        {
            AddMod(Rdi(), Rsi(), Rsi());
            AddMod(Rdi(48), Rsi(48), Rsi(48));
        });
        Leaf(nameof(fp2Copy), fp2Copy, 0, () =>
        {
            Copy(Rdi(), Rsi());
            Copy(Rdi(48), Rsi(48));
        });

        Leaf(nameof(fp2Zero), fp2Zero, 0, () =>
        {
            asm.Zero(Reg.Rax);
            for (int k = 0; k < 12; k++)
            {
                asm.Mov(Rdi(8 * k), Reg.Rax);
            }
        });

        // (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u; c1 goes through the stack so r == a works.
        Leaf(nameof(fp2MulXi), fp2MulXi, 48, () =>
        {
            AddMod(Stack(0), Rsi(), Rsi(48));
            SubMod(Rdi(), Rsi(), Rsi(48));
            Copy(Rdi(48), Stack(0));
        });

        // Karatsuba with lazy reduction: three plain 768-bit products, c0 = a0 b0 - a1 b1 taken modulo p 2^384 and
        // c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 (exact, below 8p^2 < p 2^384 for operands below 2p), then two
        // Montgomery reductions instead of three.
        Leaf(nameof(fp2Mul), fp2Mul, 384, () =>
        {
            const int SumA = 0, SumB = 48, T0 = 96, T1 = 192, T2 = 288;
            asm.Mov(Reg.Rbx, Reg.Rdx);
            AddPlain(Stack(SumA), Rsi(), Rsi(48));
            AddPlain(Stack(SumB), Rbx(), Rbx(48));
            MulWide(Stack(T0), Rsi(), Rbx());
            MulWide(Stack(T1), Rsi(48), Rbx(48));
            MulWide(Stack(T2), Stack(SumA), Stack(SumB));
            WideSub(Stack(T2), Stack(T2), Stack(T0));
            WideSub(Stack(T2), Stack(T2), Stack(T1));
            WideSubModP(Stack(T0), Stack(T0), Stack(T1));
            Redc(Rdi(), Stack(T0));
            Redc(Rdi(48), Stack(T2));
        });

        // Complex squaring: c0 = (a0 + a1)(a0 - a1), c1 = 2 a0 a1.
        Leaf(nameof(fp2Sqr), fp2Sqr, 192, () =>
        {
            const int Sum = 0, Diff = 48, Twice = 96, C1 = 144;
            AddPlain(Stack(Sum), Rsi(), Rsi(48));
            SubMod(Stack(Diff), Rsi(), Rsi(48));
            AddPlain(Stack(Twice), Rsi(), Rsi());
            MontMul(Stack(C1), Stack(Twice), Rsi(48));
            MontMul(Rdi(), Stack(Sum), Stack(Diff));
            Copy(Rdi(48), Stack(C1));
        });

        // (a0 + a1 u) b for b in Fp.
        Leaf(nameof(fp2MulFp), fp2MulFp, 0, () =>
        {
            asm.Mov(Reg.Rbx, Reg.Rdx);
            MontMul(Rdi(), Rsi(), Rbx());
            MontMul(Rdi(48), Rsi(48), Rbx());
        });

        EmitTowerRoutines();
        EmitFpPow();
        Export(FieldKernel.FpMul, fpMul);
        Export(FieldKernel.FpSquare, fpSqr);
        Export(FieldKernel.FpAdd, fpAdd);
        Export(FieldKernel.FpSub, fpSub);
        Export(FieldKernel.Fp2Mul, fp2Mul);
        Export(FieldKernel.Fp2Square, fp2Sqr);
        Export(FieldKernel.Fp2Add, fp2Add);
        Export(FieldKernel.Fp2Sub, fp2Sub);
        Export(FieldKernel.Fp2Double, fp2Dbl);
        Export(FieldKernel.Fp2MulByXi, fp2MulXi);
        Export(FieldKernel.Fp2MulByFp, fp2MulFp);
    }

    private void Export(FieldKernel kernel, Label routine) => exports[(int)kernel] = routine;

    /// <summary>A routine without calls: optional stack frame, body, return.</summary>
    private void Leaf(string name, Label label, int frame, Action body)
    {
        Symbol(name);
        asm.Bind(label);
        if (frame > 0)
        {
            asm.SubImm32(Reg.Rsp, frame);
        }

        body();
        if (frame > 0)
        {
            asm.AddImm32(Reg.Rsp, frame);
        }

        asm.Ret();
    }
}
