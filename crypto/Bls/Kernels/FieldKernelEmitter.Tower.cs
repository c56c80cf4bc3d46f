// Design note: the Fp6 and Fp12 kernels are "programs": sequences of calls to the Fp2 leaf routines over operands
// that live either behind one of the kernel's pointer arguments or in its stack frame. A program saves its argument
// registers in its frame, then for each step loads the operand addresses into rdi, rsi, rdx (rcx for a fourth)
// and calls the routine; the call and the address loads cost a few cycles against the hundreds of a product. The
// formulas are those of Fp6.cs and Fp12.cs; every result is written after the operands it could share memory
// with have been read, so out == a is allowed.
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    private const int Fp6Bytes = 3 * Fp2Bytes, Fp12Bytes = 2 * Fp6Bytes;
    private static readonly Reg[] ArgumentRegisters = [Reg.Rdi, Reg.Rsi, Reg.Rdx, Reg.Rcx, Reg.R8];

    private readonly Label _fp6Mul, _fp6MulBy01, _fp6MulBy1, _fp12Mul, _fp12Sqr, _fp12CycloSqr, _fp12CompressedSqr, _fp12MulByLine;
    private int _argumentBase, _programFrame;

    /// <summary>An operand: <see cref="Offset"/> bytes into argument <see cref="Arg"/>, or into the frame (Arg -1).</summary>
    private readonly record struct Slot(int Arg, int Offset)
    {
        public Slot At(int bytes) => this with { Offset = Offset + bytes };

        /// <summary>The k-th Fp2 coefficient of an Fp6 (or of an Fp12 seen as six Fp2 halves in memory order).</summary>
        public Slot C(int k) => At(k * Fp2Bytes);

        /// <summary>The k-th Fp6 half of an Fp12.</summary>
        public Slot Half(int k) => At(k * Fp6Bytes);
    }

    private static Slot Arg(int index) => new(index, 0);

    private static Slot Temp(int offset) => new(-1, offset);

    private void EmitTowerRoutines()
    {
        EmitFp6Mul();
        EmitFp6MulBy01();
        EmitFp6MulBy1();
        EmitFp12Mul();
        EmitFp12Square();
        EmitFp12CyclotomicSquare();
        EmitFp12CompressedSquare();
        EmitFp12MulByLine();
        EmitMillerDoublingStep();
        EmitG2JacobianDouble();
        EmitPointRoutines();
        Export(FieldKernel.MillerDoublingStep, _millerDoublingStep);
        Export(FieldKernel.G2JacobianDouble, _g2JacobianDouble);
        Export(FieldKernel.Fp6Mul, _fp6Mul);
        Export(FieldKernel.Fp12Mul, _fp12Mul);
        Export(FieldKernel.Fp12Square, _fp12Sqr);
        Export(FieldKernel.Fp12CyclotomicSquare, _fp12CycloSqr);
        Export(FieldKernel.Fp12CompressedSquare, _fp12CompressedSqr);
        Export(FieldKernel.Fp12MulByLine, _fp12MulByLine);
    }

    /// <summary>fp6_mul(r, a, b): Karatsuba over Fp2 (6 products).</summary>
    private void EmitFp6Mul()
    {
        Slot r = Arg(0), a = Arg(1), b = Arg(2);
        Slot t0 = Temp(0), t1 = Temp(96), t2 = Temp(192), x = Temp(288), y = Temp(384), r0 = Temp(480), r1 = Temp(576);
        BeginProgram("fp6Mul", _fp6Mul, 3, 672);
        Call(_fp2Mul, t0, a.C(0), b.C(0));
        Call(_fp2Mul, t1, a.C(1), b.C(1));
        Call(_fp2Mul, t2, a.C(2), b.C(2));

        // c0 = xi((a1 + a2)(b1 + b2) - t1 - t2) + t0
        Call(_fp2Add, x, a.C(1), a.C(2));
        Call(_fp2Add, y, b.C(1), b.C(2));
        Call(_fp2Mul, x, x, y);
        Call(_fp2Sub, x, x, t1);
        Call(_fp2Sub, x, x, t2);
        Call(_fp2MulXi, x, x);
        Call(_fp2Add, r0, x, t0);

        // c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2
        Call(_fp2Add, x, a.C(0), a.C(1));
        Call(_fp2Add, y, b.C(0), b.C(1));
        Call(_fp2Mul, x, x, y);
        Call(_fp2Sub, x, x, t0);
        Call(_fp2Sub, x, x, t1);
        Call(_fp2MulXi, y, t2);
        Call(_fp2Add, r1, x, y);

        // c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1
        Call(_fp2Add, x, a.C(0), a.C(2));
        Call(_fp2Add, y, b.C(0), b.C(2));
        Call(_fp2Mul, x, x, y);
        Call(_fp2Sub, x, x, t0);
        Call(_fp2Sub, x, x, t2);
        Call(_fp2Add, r.C(2), x, t1);
        Call(_fp2Copy, r.C(0), r0);
        Call(_fp2Copy, r.C(1), r1);
        EndProgram();
    }

    /// <summary>fp6_mul_by_01(r, a, b0, b1): a (b0 + b1 v).</summary>
    private void EmitFp6MulBy01()
    {
        Slot r = Arg(0), a = Arg(1), b0 = Arg(2), b1 = Arg(3);
        Slot t0 = Temp(0), t1 = Temp(96), x = Temp(192), y = Temp(288), r0 = Temp(384), r1 = Temp(480);
        BeginProgram("fp6MulBy01", _fp6MulBy01, 4, 576);
        Call(_fp2Mul, t0, a.C(0), b0);
        Call(_fp2Mul, t1, a.C(1), b1);

        // c0 = xi (a2 b1) + t0
        Call(_fp2Mul, x, a.C(2), b1);
        Call(_fp2MulXi, x, x);
        Call(_fp2Add, r0, x, t0);

        // c1 = (a0 + a1)(b0 + b1) - t0 - t1
        Call(_fp2Add, x, a.C(0), a.C(1));
        Call(_fp2Add, y, b0, b1);
        Call(_fp2Mul, x, x, y);
        Call(_fp2Sub, x, x, t0);
        Call(_fp2Sub, r1, x, t1);

        // c2 = a2 b0 + t1
        Call(_fp2Mul, x, a.C(2), b0);
        Call(_fp2Add, r.C(2), x, t1);
        Call(_fp2Copy, r.C(0), r0);
        Call(_fp2Copy, r.C(1), r1);
        EndProgram();
    }

    /// <summary>fp6_mul_by_1(r, a, b1): a (b1 v) = (xi a2 b1, a0 b1, a1 b1), each slot written after its read.</summary>
    private void EmitFp6MulBy1()
    {
        Slot r = Arg(0), a = Arg(1), b1 = Arg(2), x = Temp(0);
        BeginProgram("fp6MulBy1", _fp6MulBy1, 3, 96);
        Call(_fp2Mul, x, a.C(2), b1);
        Call(_fp2Mul, r.C(2), a.C(1), b1);
        Call(_fp2Mul, r.C(1), a.C(0), b1);
        Call(_fp2MulXi, r.C(0), x);
        EndProgram();
    }

    /// <summary>fp12_mul(r, a, b): Karatsuba over Fp6 (3 Fp6 products).</summary>
    private void EmitFp12Mul()
    {
        Slot r = Arg(0), a = Arg(1), b = Arg(2);
        Slot t0 = Temp(0), t1 = Temp(288), x = Temp(576), y = Temp(864);
        BeginProgram("fp12Mul", _fp12Mul, 3, 1152);
        Call(_fp6Mul, t0, a.Half(0), b.Half(0));
        Call(_fp6Mul, t1, a.Half(1), b.Half(1));
        Fp6Add(x, a.Half(0), a.Half(1));
        Fp6Add(y, b.Half(0), b.Half(1));
        Call(_fp6Mul, x, x, y);
        Fp6Sub(x, x, t0);
        Fp6Sub(r.Half(1), x, t1);
        AddTimesV(r.Half(0), t0, t1, y);
        EndProgram();
    }

    /// <summary>fp12_sqr(r, a): c0 = (a0 + a1)(a0 + v a1) - t - v t, c1 = 2t with t = a0 a1.</summary>
    private void EmitFp12Square()
    {
        Slot r = Arg(0), a = Arg(1);
        Slot t = Temp(0), x = Temp(288), y = Temp(576), s = Temp(864);
        BeginProgram("fp12Sqr", _fp12Sqr, 2, 960);
        Call(_fp6Mul, t, a.Half(0), a.Half(1));
        Fp6Add(x, a.Half(0), a.Half(1));
        AddTimesV(y, a.Half(0), a.Half(1), s);
        Call(_fp6Mul, x, x, y);
        Fp6Sub(x, x, t);

        // x - v t = (x0 - xi t2, x1 - t0, x2 - t1)
        Call(_fp2MulXi, s, t.C(2));
        Call(_fp2Sub, r.C(0), x.C(0), s);
        Call(_fp2Sub, r.C(1), x.C(1), t.C(0));
        Call(_fp2Sub, r.C(2), x.C(2), t.C(1));
        for (int k = 0; k < 3; k++)
        {
            Call(_fp2Dbl, r.Half(1).C(k), t.C(k));
        }

        EndProgram();
    }

    /// <summary>
    /// fp12_cyclotomic_sqr(r, f): Granger-Scott squaring (see Fp12.CyclotomicSquare). In memory the six Fp2
    /// coefficients g0..g5 of w^0..w^5 sit at slots 0, 3, 1, 4, 2, 5 (C0 = g0 g2 g4, C1 = g1 g3 g5). Each output h_i
    /// replaces g_i and reads only g_i, so r == f works.
    /// </summary>
    private void EmitFp12CyclotomicSquare()
    {
        Slot r = Arg(0), f = Arg(1);
        Slot g0 = f.C(0), g1 = f.C(3), g2 = f.C(1), g3 = f.C(4), g4 = f.C(2), g5 = f.C(5);
        Slot h0 = r.C(0), h1 = r.C(3), h2 = r.C(1), h3 = r.C(4), h4 = r.C(2), h5 = r.C(5);
        Slot a0 = Temp(0), a1 = Temp(96), b0 = Temp(192), b1 = Temp(288), c0 = Temp(384), c1 = Temp(480);
        Slot t0 = Temp(576), t1 = Temp(672), s = Temp(768);
        BeginProgram("fp12CycloSqr", _fp12CycloSqr, 2, 864);
        Fp4Square(a0, a1, g0, g3, t0, t1);
        Fp4Square(b0, b1, g1, g4, t0, t1);
        Fp4Square(c0, c1, g2, g5, t0, t1);

        // 3x - 2g = 2(x - g) + x, 3x + 2g = 2(x + g) + x.
        ThreeMinusTwo(h0, a0, g0, s);
        ThreePlusTwo(h3, a1, g3, s);
        Call(_fp2MulXi, c1, c1);
        ThreePlusTwo(h1, c1, g1, s);
        ThreeMinusTwo(h4, c0, g4, s);
        ThreeMinusTwo(h2, b0, g2, s);
        ThreePlusTwo(h5, b1, g5, s);
        EndProgram();
    }

    /// <summary>
    /// fp12_compressed_sqr(r, f): Karabina's compressed squaring (see Fp12.CompressedSquare): only g1, g2, g4 and
    /// g5 (memory slots 3, 1, 2, 5) are read and written; slots 0 and 4 of the result are set to zero.
    /// </summary>
    private void EmitFp12CompressedSquare()
    {
        Slot r = Arg(0), f = Arg(1);
        Slot g1 = f.C(3), g2 = f.C(1), g4 = f.C(2), g5 = f.C(5);
        Slot b0 = Temp(0), b1 = Temp(96), c0 = Temp(192), c1 = Temp(288), t0 = Temp(384), t1 = Temp(480), s = Temp(576);
        BeginProgram("fp12CompressedSqr", _fp12CompressedSqr, 2, 672);
        Fp4Square(b0, b1, g1, g4, t0, t1);
        Fp4Square(c0, c1, g2, g5, t0, t1);
        Call(_fp2MulXi, c1, c1);
        ThreePlusTwo(r.C(3), c1, g1, s);
        ThreeMinusTwo(r.C(2), c0, g4, s);
        ThreeMinusTwo(r.C(1), b0, g2, s);
        ThreePlusTwo(r.C(5), b1, g5, s);
        Call(_fp2Zero, r.C(0));
        Call(_fp2Zero, r.C(4));
        EndProgram();
    }

    /// <summary>h = 3x - 2g = 2(x - g) + x.</summary>
    private void ThreeMinusTwo(Slot h, Slot x, Slot g, Slot tmp)
    {
        Call(_fp2Sub, tmp, x, g);
        Call(_fp2Dbl, tmp, tmp);
        Call(_fp2Add, h, tmp, x);
    }

    /// <summary>h = 3x + 2g = 2(x + g) + x.</summary>
    private void ThreePlusTwo(Slot h, Slot x, Slot g, Slot tmp)
    {
        Call(_fp2Add, tmp, x, g);
        Call(_fp2Dbl, tmp, tmp);
        Call(_fp2Add, h, tmp, x);
    }

    /// <summary>(x + y t)^2 = (x^2 + xi y^2) + ((x + y)^2 - x^2 - y^2) t, into (c0, c1).</summary>
    private void Fp4Square(Slot c0, Slot c1, Slot x, Slot y, Slot t0, Slot t1)
    {
        Call(_fp2Sqr, t0, x);
        Call(_fp2Sqr, t1, y);
        Call(_fp2Add, c1, x, y);
        Call(_fp2Sqr, c1, c1);
        Call(_fp2Sub, c1, c1, t0);
        Call(_fp2Sub, c1, c1, t1);
        Call(_fp2MulXi, c0, t1);
        Call(_fp2Add, c0, c0, t0);
    }

    /// <summary>fp12_mul_by_line(r, f, a, b, c): f (a + b v + c v w), a Miller-loop line.</summary>
    private void EmitFp12MulByLine()
    {
        Slot r = Arg(0), f = Arg(1), a = Arg(2), b = Arg(3), c = Arg(4);
        Slot t0 = Temp(0), t1 = Temp(288), x = Temp(576), s = Temp(864);
        BeginProgram("fp12MulByLine", _fp12MulByLine, 5, 960);
        Call(_fp6MulBy01, t0, f.Half(0), a, b);
        Call(_fp6MulBy1, t1, f.Half(1), c);
        Fp6Add(x, f.Half(0), f.Half(1));
        Call(_fp2Add, s, b, c);
        Call(_fp6MulBy01, x, x, a, s);
        Fp6Sub(x, x, t0);
        Fp6Sub(r.Half(1), x, t1);
        AddTimesV(r.Half(0), t0, t1, s);
        EndProgram();
    }

    /// <summary>r = x + v y over Fp6: (x0 + xi y2, x1 + y0, x2 + y1); tmp is one Fp2 of scratch.</summary>
    private void AddTimesV(Slot r, Slot x, Slot y, Slot tmp)
    {
        Call(_fp2MulXi, tmp, y.C(2));
        Call(_fp2Add, r.C(1), x.C(1), y.C(0));
        Call(_fp2Add, r.C(2), x.C(2), y.C(1));
        Call(_fp2Add, r.C(0), x.C(0), tmp);
    }

    private void Fp6Add(Slot r, Slot a, Slot b)
    {
        for (int k = 0; k < 3; k++)
        {
            Call(_fp2Add, r.C(k), a.C(k), b.C(k));
        }
    }

    private void Fp6Sub(Slot r, Slot a, Slot b)
    {
        for (int k = 0; k < 3; k++)
        {
            Call(_fp2Sub, r.C(k), a.C(k), b.C(k));
        }
    }

    // --- program frame ------------------------------------------------------------------------------------

    private void BeginProgram(string name, Label label, int arguments, int tempBytes)
    {
        Symbol(name);
        _asm.Bind(label);
        _argumentBase = tempBytes;
        _programFrame = tempBytes + 8 * arguments;
        _asm.SubImm32(Reg.Rsp, _programFrame);
        for (int k = 0; k < arguments; k++)
        {
            _asm.Mov(Stack(_argumentBase + 8 * k), ArgumentRegisters[k]);
        }
    }

    private void EndProgram()
    {
        _asm.AddImm32(Reg.Rsp, _programFrame);
        _asm.Ret();
    }

    private void Call(Label routine, params ReadOnlySpan<Slot> operands)
    {
        for (int k = 0; k < operands.Length; k++)
        {
            LoadAddress(ArgumentRegisters[k], operands[k]);
        }

        _asm.Call(routine);
    }

    private void LoadAddress(Reg target, Slot slot)
    {
        if (slot.Arg < 0)
        {
            _asm.Lea(target, Stack(slot.Offset));
            return;
        }

        _asm.Mov(target, Stack(_argumentBase + 8 * slot.Arg));
        if (slot.Offset != 0)
        {
            _asm.Lea(target, new Mem(target, slot.Offset));
        }
    }
}
