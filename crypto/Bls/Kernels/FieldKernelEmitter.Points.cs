// Design note: complete addition and doubling of points in homogeneous projective coordinates (Renes, Costello and
// Batina 2016, algorithms 7 and 9 for a = 0; the formulas of ProjectivePoint.Add and ProjectivePoint.Double) as
// single kernels, emitted twice: over Fp for G1 (b = 4) and over Fp2 for G2 (b = 4(1 + u)). Like the formulas they
// have no exceptional cases and no data-dependent branches, so the constant-time ladders can use them.
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    private readonly Label _g1Add, _g1Double, _g2Add, _g2Double;

    /// <summary>The routines of one coordinate field: element size, arithmetic, and whether 3b carries xi.</summary>
    private readonly record struct CoordinateField(int Size, Label Mul, Label Sqr, Label Add, Label Sub, Label Dbl, Label Copy, Label? MulXi);

    private CoordinateField G1Field => new(48, _fpMul, _fpSqr, _fpAdd, _fpSub, _fpDbl, _fpCopy, null);

    private CoordinateField G2Field => new(96, _fp2Mul, _fp2Sqr, _fp2Add, _fp2Sub, _fp2Dbl, _fp2Copy, _fp2MulXi);

    private void EmitPointRoutines()
    {
        EmitProjectiveAdd("g1Add", _g1Add, G1Field);
        EmitProjectiveDouble("g1Double", _g1Double, G1Field);
        EmitProjectiveAdd("g2Add", _g2Add, G2Field);
        EmitProjectiveDouble("g2Double", _g2Double, G2Field);
        Export(FieldKernel.G1Add, _g1Add);
        Export(FieldKernel.G1Double, _g1Double);
        Export(FieldKernel.G2Add, _g2Add);
        Export(FieldKernel.G2Double, _g2Double);
    }

    /// <summary>point_add(r, p, q): algorithm 7 (12 products); r may be p or q.</summary>
    private void EmitProjectiveAdd(string name, Label label, CoordinateField f)
    {
        int n = f.Size;
        Slot r = Arg(0), p = Arg(1), q = Arg(2);
        Slot x1 = p, y1 = p.At(n), z1 = p.At(2 * n), x2 = q, y2 = q.At(n), z2 = q.At(2 * n);
        Slot t0 = Temp(0), t1 = Temp(n), t2 = Temp(2 * n), t3 = Temp(3 * n), t4 = Temp(4 * n);
        Slot x3 = Temp(5 * n), y3 = Temp(6 * n), z3 = Temp(7 * n), s = Temp(8 * n), u = Temp(9 * n);
        BeginProgram(name, label, 3, 10 * n);
        Call(f.Mul, t0, x1, x2);
        Call(f.Mul, t1, y1, y2);
        Call(f.Mul, t2, z1, z2);
        Call(f.Add, s, x1, y1);
        Call(f.Add, u, x2, y2);
        Call(f.Mul, t3, s, u);
        Call(f.Add, t4, t0, t1);
        Call(f.Sub, t3, t3, t4);
        Call(f.Add, s, y1, z1);
        Call(f.Add, u, y2, z2);
        Call(f.Mul, t4, s, u);
        Call(f.Add, x3, t1, t2);
        Call(f.Sub, t4, t4, x3);
        Call(f.Add, s, x1, z1);
        Call(f.Add, u, x2, z2);
        Call(f.Mul, x3, s, u);
        Call(f.Add, y3, t0, t2);
        Call(f.Sub, y3, x3, y3);
        Call(f.Dbl, s, t0);
        Call(f.Add, t0, s, t0);
        MulByCurveB3(f, t2, t2, s);
        Call(f.Add, z3, t1, t2);
        Call(f.Sub, t1, t1, t2);
        MulByCurveB3(f, y3, y3, s);

        // x3 = t3 t1 - t4 y3, y3 = t1 z3 + y3 t0, z3 = z3 t4 + t0 t3; p and q are no longer read.
        Call(f.Mul, s, t4, y3);
        Call(f.Mul, x3, t3, t1);
        Call(f.Sub, r, x3, s);
        Call(f.Mul, s, y3, t0);
        Call(f.Mul, u, t1, z3);
        Call(f.Add, r.At(n), u, s);
        Call(f.Mul, s, t0, t3);
        Call(f.Mul, u, z3, t4);
        Call(f.Add, r.At(2 * n), u, s);
        EndProgram();
    }

    /// <summary>point_double(r, p): algorithm 9 (6 products and 2 squarings); r may be p.</summary>
    private void EmitProjectiveDouble(string name, Label label, CoordinateField f)
    {
        int n = f.Size;
        Slot r = Arg(0), p = Arg(1);
        Slot x = p, y = p.At(n), z = p.At(2 * n);
        Slot t0 = Temp(0), t1 = Temp(n), t2 = Temp(2 * n), x3 = Temp(3 * n), y3 = Temp(4 * n), z3 = Temp(5 * n), s = Temp(6 * n);
        BeginProgram(name, label, 2, 7 * n);
        Call(f.Sqr, t0, y);
        Call(f.Dbl, z3, t0);
        Call(f.Dbl, z3, z3);
        Call(f.Dbl, z3, z3);
        Call(f.Mul, t1, y, z);
        Call(f.Sqr, t2, z);
        MulByCurveB3(f, t2, t2, s);
        Call(f.Mul, x3, t2, z3);
        Call(f.Add, y3, t0, t2);
        Call(f.Mul, z3, t1, z3);
        Call(f.Dbl, s, t2);
        Call(f.Add, t2, s, t2);
        Call(f.Sub, t0, t0, t2);
        Call(f.Mul, y3, t0, y3);
        Call(f.Add, y3, x3, y3);
        Call(f.Mul, s, x, y);
        Call(f.Mul, x3, t0, s);
        Call(f.Dbl, r, x3);
        Call(f.Copy, r.At(n), y3);
        Call(f.Copy, r.At(2 * n), z3);
        EndProgram();
    }

    /// <summary>r = 3b a: 12 a over Fp, 12 (1 + u) a over Fp2 (tmp is scratch of one element).</summary>
    private void MulByCurveB3(CoordinateField f, Slot r, Slot a, Slot tmp)
    {
        Slot x = a;
        if (f.MulXi is { } mulXi)
        {
            Call(mulXi, r, a);
            x = r;
        }

        Call(f.Dbl, r, x);          // 2x
        Call(f.Dbl, tmp, r);        // 4x
        Call(f.Dbl, r, tmp);        // 8x
        Call(f.Add, r, r, tmp);     // 12x
    }
}
