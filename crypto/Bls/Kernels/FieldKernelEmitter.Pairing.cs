// Design note: point doublings on the twist E'(Fp2) as single kernels. The Miller loop's doubling step (the
// formulas of Pairing.DoublingStep) doubles T in homogeneous projective coordinates and writes the tangent line
// evaluated at P, already multiplied by -xP and yP, ready for fp12_mul_by_line; the Jacobian doubling (the formulas
// of JacobianPoint.Double) serves the multiplications by x in cofactor clearing and subgroup checks. One call
// replaces some twenty to thirty Fp2 kernel calls from managed code.
namespace Marketplace.Crypto.Bls.Kernels;

internal sealed partial class FieldKernelEmitter
{
    private readonly Label _millerDoublingStep, _g2JacobianDouble;

    /// <summary>
    /// g2_jacobian_double(r, p): A = X^2, B = Y^2, C = B^2, D = 2((X + B)^2 - A - C), E = 3A;
    /// r = (E^2 - 2D, E (D - X3) - 8C, 2YZ). Every read of p comes before the first write of r, so r == p works.
    /// </summary>
    private void EmitG2JacobianDouble()
    {
        Slot r = Arg(0), p = Arg(1);
        Slot x = p.C(0), y = p.C(1), z = p.C(2);
        Slot a = Temp(0), b = Temp(96), c = Temp(192), d = Temp(288), e = Temp(384), f = Temp(480), z3 = Temp(576), t = Temp(672);
        BeginProgram("g2JacobianDouble", _g2JacobianDouble, 2, 768);
        Call(_fp2Sqr, a, x);
        Call(_fp2Sqr, b, y);
        Call(_fp2Sqr, c, b);
        Call(_fp2Add, d, x, b);
        Call(_fp2Sqr, d, d);
        Call(_fp2Sub, d, d, a);
        Call(_fp2Sub, d, d, c);
        Call(_fp2Dbl, d, d);
        Call(_fp2Dbl, e, a);
        Call(_fp2Add, e, e, a);
        Call(_fp2Sqr, f, e);
        Call(_fp2Mul, z3, y, z);
        Call(_fp2Dbl, z3, z3);

        Call(_fp2Dbl, t, d);
        Call(_fp2Sub, r.C(0), f, t);
        Call(_fp2Sub, t, d, r.C(0));
        Call(_fp2Mul, t, e, t);
        Call(_fp2Dbl, c, c);
        Call(_fp2Dbl, c, c);
        Call(_fp2Dbl, c, c);
        Call(_fp2Sub, r.C(1), t, c);
        Call(_fp2Copy, r.C(2), z3);
        EndProgram();
    }

    /// <summary>
    /// miller_doubling_step(t, line, negPx, py): with B = Y^2, E = 3b' Z^2, F = 3E, H = 2YZ,
    /// line = (B - E, 3X^2 (-xP), H yP) and T = (2XY (B - F), (B + F)^2 - 12 E^2, 4 B H).
    /// </summary>
    private void EmitMillerDoublingStep()
    {
        Slot t = Arg(0), line = Arg(1), negPx = Arg(2), py = Arg(3);
        Slot x = t.C(0), y = t.C(1), z = t.C(2);
        Slot bb = Temp(0), cc = Temp(96), e = Temp(192), f = Temp(288), h = Temp(384), xx = Temp(480);
        Slot t1 = Temp(576), t2 = Temp(672), x3 = Temp(768);
        BeginProgram("millerDoublingStep", _millerDoublingStep, 4, 864);
        Call(_fp2Sqr, bb, y);
        Call(_fp2Sqr, cc, z);

        // E = 3 b' Z^2 = 12 (1 + u) Z^2, F = 3E.
        Call(_fp2MulXi, e, cc);
        Call(_fp2Dbl, e, e);
        Call(_fp2Dbl, t1, e);
        Call(_fp2Dbl, t2, t1);
        Call(_fp2Add, e, t2, t1);
        Call(_fp2Dbl, f, e);
        Call(_fp2Add, f, f, e);

        // H = (Y + Z)^2 - B - Z^2 = 2YZ.
        Call(_fp2Add, h, y, z);
        Call(_fp2Sqr, h, h);
        Call(_fp2Sub, h, h, bb);
        Call(_fp2Sub, h, h, cc);
        Call(_fp2Sqr, xx, x);

        // The line: (B - E, 3X^2 (-xP), H yP).
        Call(_fp2Sub, line.C(0), bb, e);
        Call(_fp2Dbl, t1, xx);
        Call(_fp2Add, t1, t1, xx);
        Call(_fp2MulFp, line.C(1), t1, negPx);
        Call(_fp2MulFp, line.C(2), h, py);

        // X3 = 2XY (B - F).
        Call(_fp2Mul, t1, x, y);
        Call(_fp2Dbl, t1, t1);
        Call(_fp2Sub, t2, bb, f);
        Call(_fp2Mul, x3, t1, t2);

        // Y3 = (B + F)^2 - 12 E^2.
        Call(_fp2Sqr, t1, e);
        Call(_fp2Dbl, t2, t1);
        Call(_fp2Add, t2, t2, t1);
        Call(_fp2Dbl, t2, t2);
        Call(_fp2Dbl, t2, t2);
        Call(_fp2Add, t1, bb, f);
        Call(_fp2Sqr, t1, t1);
        Call(_fp2Sub, y, t1, t2);

        // Z3 = 4 B H.
        Call(_fp2Mul, t1, bb, h);
        Call(_fp2Dbl, t1, t1);
        Call(_fp2Dbl, z, t1);
        Call(_fp2Copy, x, x3);
        EndProgram();
    }
}
