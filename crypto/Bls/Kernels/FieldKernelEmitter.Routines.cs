// Design note: the leaf routines of the field kernels, built from the macros in FieldKernelEmitter.cs. Internal
// convention: arguments in rdi (result), rsi and rdx (operands), every register but rsp clobbered, results written
// after the last read of any operand that may share their memory (r = a op b with r == a is always allowed).
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    private const int Fp2Bytes = 96;

    private readonly Label _fpMul, _fpSqr, _fpAdd, _fpSub, _fpDbl, _fpCopy;
    private readonly Label _fp2Add, _fp2Sub, _fp2Dbl, _fp2MulXi, _fp2Mul, _fp2Sqr, _fp2MulFp, _fp2Copy, _fp2Zero;

    private static Mem Rdi(int offset = 0) => new(Reg.Rdi, offset);

    private static Mem Rsi(int offset = 0) => new(Reg.Rsi, offset);

    private static Mem Rbx(int offset = 0) => new(Reg.Rbx, offset);

    private void EmitRoutines()
    {
        Leaf("fpMul", _fpMul, 0, () =>
        {
            _asm.Mov(Reg.Rbx, Reg.Rdx);
            MontMul(Rdi(), Rsi(), Rbx());
        });
        Leaf("fpSqr", _fpSqr, 0, () => MontMul(Rdi(), Rsi(), Rsi()));
        Leaf("fpAdd", _fpAdd, 0, () =>
        {
            _asm.Mov(Reg.Rbx, Reg.Rdx);
            AddMod(Rdi(), Rsi(), Rbx());
        });
        Leaf("fpSub", _fpSub, 0, () =>
        {
            _asm.Mov(Reg.Rbx, Reg.Rdx);
            SubMod(Rdi(), Rsi(), Rbx());
        });

        Leaf("fpDbl", _fpDbl, 0, () => AddMod(Rdi(), Rsi(), Rsi()));
        Leaf("fpCopy", _fpCopy, 0, () => Copy(Rdi(), Rsi()));

        Leaf("fp2Add", _fp2Add, 0, () =>
        {
            _asm.Mov(Reg.Rbx, Reg.Rdx);
            AddMod(Rdi(), Rsi(), Rbx());
            AddMod(Rdi(48), Rsi(48), Rbx(48));
        });
        Leaf("fp2Sub", _fp2Sub, 0, () =>
        {
            _asm.Mov(Reg.Rbx, Reg.Rdx);
            SubMod(Rdi(), Rsi(), Rbx());
            SubMod(Rdi(48), Rsi(48), Rbx(48));
        });
        Leaf("fp2Dbl", _fp2Dbl, 0, () =>
        {
            AddMod(Rdi(), Rsi(), Rsi());
            AddMod(Rdi(48), Rsi(48), Rsi(48));
        });
        Leaf("fp2Copy", _fp2Copy, 0, () =>
        {
            Copy(Rdi(), Rsi());
            Copy(Rdi(48), Rsi(48));
        });

        Leaf("fp2Zero", _fp2Zero, 0, () =>
        {
            _asm.Zero(Reg.Rax);
            for (int k = 0; k < 12; k++)
            {
                _asm.Mov(Rdi(8 * k), Reg.Rax);
            }
        });

        // (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u; c1 goes through the stack so r == a works.
        Leaf("fp2MulXi", _fp2MulXi, 48, () =>
        {
            AddMod(Stack(0), Rsi(), Rsi(48));
            SubMod(Rdi(), Rsi(), Rsi(48));
            Copy(Rdi(48), Stack(0));
        });

        // Karatsuba with lazy reduction: three plain 768-bit products, c0 = a0 b0 - a1 b1 taken modulo p 2^384 and
        // c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 (exact, below 8p^2 < p 2^384 for operands below 2p), then two
        // Montgomery reductions instead of three.
        Leaf("fp2Mul", _fp2Mul, 384, () =>
        {
            const int SumA = 0, SumB = 48, T0 = 96, T1 = 192, T2 = 288;
            _asm.Mov(Reg.Rbx, Reg.Rdx);
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
        Leaf("fp2Sqr", _fp2Sqr, 192, () =>
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
        Leaf("fp2MulFp", _fp2MulFp, 0, () =>
        {
            _asm.Mov(Reg.Rbx, Reg.Rdx);
            MontMul(Rdi(), Rsi(), Rbx());
            MontMul(Rdi(48), Rsi(48), Rbx());
        });

        EmitTowerRoutines();
        EmitFpPow();
        Export(FieldKernel.FpMul, _fpMul);
        Export(FieldKernel.FpSquare, _fpSqr);
        Export(FieldKernel.FpAdd, _fpAdd);
        Export(FieldKernel.FpSub, _fpSub);
        Export(FieldKernel.Fp2Mul, _fp2Mul);
        Export(FieldKernel.Fp2Square, _fp2Sqr);
        Export(FieldKernel.Fp2Add, _fp2Add);
        Export(FieldKernel.Fp2Sub, _fp2Sub);
        Export(FieldKernel.Fp2Double, _fp2Dbl);
        Export(FieldKernel.Fp2MulByXi, _fp2MulXi);
        Export(FieldKernel.Fp2MulByFp, _fp2MulFp);
    }

    private void Export(FieldKernel kernel, Label routine) => _exports[(int)kernel] = routine;

    /// <summary>A routine without calls: optional stack frame, body, return.</summary>
    private void Leaf(string name, Label label, int frame, Action body)
    {
        Symbol(name);
        _asm.Bind(label);
        if (frame > 0)
        {
            _asm.SubImm32(Reg.Rsp, frame);
        }

        body();
        if (frame > 0)
        {
            _asm.AddImm32(Reg.Rsp, frame);
        }

        _asm.Ret();
    }
}
