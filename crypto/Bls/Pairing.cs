// Design note: optimal ate pairing on BLS12-381. The Miller loop runs over |x| = 0xd201000000010000 with T in
// homogeneous coordinates on the twist; each step evaluates the tangent or chord line at P directly in sparse form
// (after scaling by w^3 and by Fp2 factors that the final exponentiation removes):
//   tangent at T = (X:Y:Z):  a = Y^2 - 3b' Z^2,  b = -3 X^2 xP,  c = 2 Y Z yP
//   chord through T and Q:   a = theta xQ - delta yQ,  b = -theta xP,  c = delta yP,
//                            theta = yQ Z - Y,  delta = xQ Z - X
// with the line a + b v + c v w. Several pairs share one squaring of f per step and one final exponentiation.
// x < 0, so f is conjugated at the end. The final exponentiation is the easy part (p^6 - 1)(p^2 + 1) followed by
// the hard part raised to 3 (Hayashida-Hayasaka-Teruya): 3 (p^4 - p^2 + 1)/r = (x-1)^2 (x+p)(x^2+p^2-1) + 3. The
// result is the cube of the reduced pairing, still a non-degenerate bilinear map (gcd(3, r) = 1), and "== 1"
// checks are unaffected.
using System.Runtime.CompilerServices;
using Marketplace.Crypto.Bls.Kernels;
using G2Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp2>;

namespace Marketplace.Crypto.Bls;

/// <summary>Miller loop, final exponentiation and the product-of-pairings check.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers here are always written before use
internal static class Pairing
{
    /// <summary>f = prod_i f_{|x|, Q_i}(P_i), conjugated for the negative x.</summary>
    internal static Fp12 MillerLoop(ReadOnlySpan<PairingInput> pairs)
    {
        int n = pairs.Length;
        Span<G2Point> t = n <= 8 ? stackalloc G2Point[n] : new G2Point[n];
        Span<Fp> negPx = n <= 8 ? stackalloc Fp[n] : new Fp[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = G2Point.FromAffine(pairs[i].Qx, pairs[i].Qy);
            negPx[i] = -pairs[i].Px;
        }

        Fp12 f = Fp12.One;
        for (int bit = 62; bit >= 0; bit--)
        {
            if (bit != 62)
            {
                f = Fp12.Square(f); // f is still one in the first step
            }

            for (int i = 0; i < n; i++)
            {
                ref readonly PairingInput pair = ref pairs[i];
                ref G2Point ti = ref t[i];
                Fp6 line = DoublingStepWithLine(ref ti, negPx[i], pair.Py);
                f = Fp12.MulByLine(f, line.C0, line.C1, line.C2);
            }

            if (((G1.AbsX >> bit) & 1) != 0)
            {
                for (int i = 0; i < n; i++)
                {
                    ref readonly PairingInput pair = ref pairs[i];
                    ref G2Point ti = ref t[i];
                    Fp2 theta = pair.Qy * ti.Z - ti.Y;
                    Fp2 delta = pair.Qx * ti.Z - ti.X;
                    Fp2 a = theta * pair.Qx - delta * pair.Qy;
                    Fp2 b = Fp2.MulByFp(theta, negPx[i]);
                    Fp2 c = Fp2.MulByFp(delta, pair.Py);
                    f = Fp12.MulByLine(f, a, b, c);
                    ti = G2Point.Add(ti, G2Point.FromAffine(pair.Qx, pair.Qy));
                }
            }
        }

        return Fp12.Conjugate(f);
    }

    /// <summary>
    /// Doubles T in place and returns the tangent line (a, b (-xP), c yP) as the three Fp2 coefficients of an Fp6
    /// (kernel when enabled, else <see cref="DoublingStep"/> and two products).
    /// </summary>
    internal static unsafe Fp6 DoublingStepWithLine(ref G2Point t, in Fp negPx, in Fp py)
    {
        if (FieldKernels.Enabled)
        {
            Unsafe.SkipInit(out Fp6 line);
            fixed (G2Point* pt = &t)
            fixed (Fp* px = &negPx, pp = &py)
            {
                FieldKernels.MillerDoublingStep(pt, &line, px, pp);
            }

            return line;
        }

        DoublingStep(ref t, out var a, out var b, out var c);
        return new Fp6(a, Fp2.MulByFp(b, negPx), Fp2.MulByFp(c, py));
    }

    /// <summary>
    /// Doubles T in place and returns the tangent line's coefficients before multiplication by P:
    /// a = Y^2 - 3b'Z^2 (= B - E), b = 3X^2 (to be multiplied by -xP), c = 2YZ (= H, to be multiplied by yP).
    /// The doubled point, scaled by 4: X3 = 2XY(B - 3E), Y3 = (B + 3E)^2 - 12E^2, Z3 = 4BH, with B = Y^2,
    /// E = 3b'Z^2, H = 2YZ.
    /// </summary>
    internal static void DoublingStep(ref G2Point t, out Fp2 a, out Fp2 b, out Fp2 c)
    {
        Fp2 x = t.X, y = t.Y, z = t.Z;
        Fp2 bb = Fp2.Square(y);
        Fp2 cc = Fp2.Square(z);
        Fp2 e = Fp2.MulByCurveB3(cc);
        Fp2 f = e + Fp2.Double(e);
        Fp2 h = Fp2.Square(y + z) - bb - cc;
        Fp2 xx = Fp2.Square(x);
        a = bb - e;
        b = xx + Fp2.Double(xx);
        c = h;
        Fp2 x3 = Fp2.Double(x * y) * (bb - f);
        Fp2 e2 = Fp2.Square(e);
        Fp2 e12 = Fp2.Double(Fp2.Double(e2 + Fp2.Double(e2)));
        Fp2 y3 = Fp2.Square(bb + f) - e12;
        Fp2 z3 = Fp2.Double(Fp2.Double(bb * h));
        t = new G2Point(x3, y3, z3);
    }

    internal static Fp12 FinalExponentiation(in Fp12 f)
    {
        // Easy part: f^((p^6 - 1)(p^2 + 1)); the result lies in the cyclotomic subgroup, where inverse = conjugate.
        Fp12 t = Fp12.Conjugate(f) * Fp12.Inverse(f);
        Fp12 m = Fp12.Frobenius(t, 2) * t;

        // Hard part, cubed: m^((x-1)^2 (x+p) (x^2+p^2-1) + 3).
        Fp12 a = ExpByX(m) * Fp12.Conjugate(m);             // m^(x-1)
        a = ExpByX(a) * Fp12.Conjugate(a);                  // m^((x-1)^2)
        Fp12 b = ExpByX(a) * Fp12.Frobenius(a, 1);          // a^(x+p)
        Fp12 c = ExpByX(ExpByX(b)) * Fp12.Frobenius(b, 2) * Fp12.Conjugate(b); // b^(x^2+p^2-1)
        return c * Fp12.Square(m) * m;
    }

    /// <summary>m^x for x = -|x|, m in the cyclotomic subgroup (compressed squarings; plain ones if g2 = 0).</summary>
    private static Fp12 ExpByX(in Fp12 m) =>
        Fp12.Conjugate(Fp12.TryPowAbsXCompressed(m, out var r) ? r : PowAbsXPlain(m));

    /// <summary>m^|x| by Granger-Scott squarings (the fallback of the compressed path, and its test oracle).</summary>
    internal static Fp12 PowAbsXPlain(in Fp12 m)
    {
        Fp12 r = m;
        for (int bit = 62; bit >= 0; bit--)
        {
            r = Fp12.CyclotomicSquare(r);
            if (((G1.AbsX >> bit) & 1) != 0)
            {
                r = r * m;
            }
        }

        return r;
    }

    /// <summary>True when the product of e(P_i, Q_i) is one.</summary>
    internal static bool ProductIsOne(ReadOnlySpan<PairingInput> pairs) =>
        pairs.Length == 0 || FinalExponentiation(MillerLoop(pairs)).IsOne;

    /// <summary>
    /// Like <see cref="ProductIsOne"/>, with the Miller loops split over the available cores for many pairs (the
    /// partial products are multiplied before the single final exponentiation).
    /// </summary>
    internal static bool ProductIsOneParallel(PairingInput[] pairs, int count)
    {
        int chunks = Math.Min(Bls.Parallelism, count / 4);
        if (chunks < 2)
        {
            return ProductIsOne(pairs.AsSpan(0, count));
        }

        var partial = new Fp12[chunks];
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)count * c / chunks);
            int end = (int)((long)count * (c + 1) / chunks);
            partial[c] = MillerLoop(pairs.AsSpan(start, end - start));
        });
        Fp12 f = partial[0];
        for (int c = 1; c < chunks; c++)
        {
            f = f * partial[c];
        }

        return FinalExponentiation(f).IsOne;
    }

    /// <summary>The (cubed) reduced pairing of one pair, for tests and benchmarks.</summary>
    internal static Fp12 Pair(in PairingInput pair) => FinalExponentiation(MillerLoop([pair]));
}
