// Design note: Fp12 = Fp6[w]/(w^2 - v). Elements are c0 + c1*w; seen over Fp2 the basis is w^0..w^5 with
// c0 = (w^0, w^2, w^4) and c1 = (w^1, w^3, w^5), which makes the Frobenius map a conjugation of each Fp2
// coefficient followed by a multiplication with xi^(j(p^k - 1)/6), constants computed once at start-up.
// Miller-loop lines are sparse: a + b*v + c*v*w (coefficients at w^0, w^2, w^3).
using System.Numerics;
using System.Runtime.CompilerServices;
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>An element c0 + c1*w of Fp12 (the pairing target group lives here).</summary>
[SkipLocalsInit] // stack buffers here are always written before use
internal readonly partial struct Fp12
{
    internal readonly Fp6 C0, C1;

    internal Fp12(in Fp6 c0, in Fp6 c1)
    {
        C0 = c0;
        C1 = c1;
    }

    public static Fp12 One => new(Fp6.One, Fp6.Zero);

    /// <summary>FrobeniusCoefficients[k-1][j] = xi^(j (p^k - 1) / 6) for k = 1..3, j = 0..5.</summary>
    private static readonly Fp2[][] FrobeniusCoefficients = BuildFrobeniusCoefficients();

    public bool IsOne => Fp6.Equal(C0, Fp6.One) && C1.IsZero;

    public static bool Equal(in Fp12 a, in Fp12 b) => Fp6.Equal(a.C0, b.C0) && Fp6.Equal(a.C1, b.C1);

    public static Fp12 operator *(in Fp12 a, in Fp12 b) => Mul(a, b);

    public static unsafe Fp12 Mul(in Fp12 a, in Fp12 b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.Fp12Mul, a, b);
        }

        return MulManaged(a, b);
    }

    /// <summary>Karatsuba product in managed code.</summary>
    internal static Fp12 MulManaged(in Fp12 a, in Fp12 b)
    {
        Fp6 t0 = a.C0 * b.C0;
        Fp6 t1 = a.C1 * b.C1;
        Fp6 c1 = (a.C0 + a.C1) * (b.C0 + b.C1) - t0 - t1;
        return new Fp12(t0 + Fp6.MulByV(t1), c1);
    }

    public static unsafe Fp12 Square(in Fp12 a)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Unary(FieldKernels.Fp12Square, a);
        }

        return SquareManaged(a);
    }

    /// <summary>Squaring in managed code.</summary>
    internal static Fp12 SquareManaged(in Fp12 a)
    {
        Fp6 t = a.C0 * a.C1;
        Fp6 c0 = (a.C0 + a.C1) * (a.C0 + Fp6.MulByV(a.C1)) - t - Fp6.MulByV(t);
        return new Fp12(c0, t + t);
    }

    /// <summary>
    /// Granger-Scott squaring, valid only in the cyclotomic subgroup. Over Fp4 = Fp2[t]/(t^2 - xi), t = w^3, the
    /// element is A + B w + C w^2 with A = g0 + g3 t, B = g1 + g4 t, C = g2 + g5 t (g_i the w^i coefficients), and
    /// the square is (3A^2 - 2 conj A) + (3 t C^2 + 2 conj B) w + (3B^2 - 2 conj C) w^2: nine Fp2 squarings.
    /// </summary>
    public static unsafe Fp12 CyclotomicSquare(in Fp12 f)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Unary(FieldKernels.Fp12CyclotomicSquare, f);
        }

        return CyclotomicSquareManaged(f);
    }

    /// <summary>Granger-Scott squaring in managed code.</summary>
    internal static Fp12 CyclotomicSquareManaged(in Fp12 f)
    {
        Fp2 g0 = f.C0.C0, g1 = f.C1.C0, g2 = f.C0.C1, g3 = f.C1.C1, g4 = f.C0.C2, g5 = f.C1.C2;
        Fp4Square(g0, g3, out var a0, out var a1);
        Fp4Square(g1, g4, out var b0, out var b1);
        Fp4Square(g2, g5, out var c0, out var c1);
        Fp2 tc0 = Fp2.MulByXi(c1);
        // 3x - 2g = 2(x - g) + x and 3x + 2g = 2(x + g) + x: three Fp2 additions instead of four.
        Fp2 h0 = Fp2.Double(a0 - g0) + a0;
        Fp2 h3 = Fp2.Double(a1 + g3) + a1;
        Fp2 h1 = Fp2.Double(tc0 + g1) + tc0;
        Fp2 h4 = Fp2.Double(c0 - g4) + c0;
        Fp2 h2 = Fp2.Double(b0 - g2) + b0;
        Fp2 h5 = Fp2.Double(b1 + g5) + b1;
        return new Fp12(new Fp6(h0, h2, h4), new Fp6(h1, h3, h5));
    }

    /// <summary>(a + b t)^2 = (a^2 + xi b^2) + 2ab t.</summary>
    private static void Fp4Square(in Fp2 a, in Fp2 b, out Fp2 c0, out Fp2 c1)
    {
        Fp2 t0 = Fp2.Square(a);
        Fp2 t1 = Fp2.Square(b);
        c0 = Fp2.MulByXi(t1) + t0;
        c1 = Fp2.Square(a + b) - t0 - t1;
    }

    /// <summary>Multiplies by the sparse line value a + b*v + c*v*w.</summary>
    public static unsafe Fp12 MulByLine(in Fp12 f, in Fp2 a, in Fp2 b, in Fp2 c)
    {
        if (FieldKernels.Enabled)
        {
            Unsafe.SkipInit(out Fp12 r);
            fixed (Fp12* pf = &f)
            fixed (Fp2* pa = &a, pb = &b, pc = &c)
            {
                FieldKernels.Fp12MulByLine(&r, pf, pa, pb, pc);
            }

            return r;
        }

        return MulByLineManaged(f, a, b, c);
    }

    /// <summary>Sparse line multiplication in managed code.</summary>
    internal static Fp12 MulByLineManaged(in Fp12 f, in Fp2 a, in Fp2 b, in Fp2 c)
    {
        Fp6 t0 = Fp6.MulBy01(f.C0, a, b);
        Fp6 t1 = Fp6.MulBy1(f.C1, c);
        Fp6 c1 = Fp6.MulBy01(f.C0 + f.C1, a, b + c) - t0 - t1;
        return new Fp12(t0 + Fp6.MulByV(t1), c1);
    }

    /// <summary>c0 - c1*w: the p^6-th power, and the inverse of an element of the cyclotomic subgroup.</summary>
    public static Fp12 Conjugate(in Fp12 a) => new(a.C0, -a.C1);

    public static Fp12 Inverse(in Fp12 a)
    {
        Fp6 t = Fp6.Inverse(Fp6.Square(a.C0) - Fp6.MulByV(Fp6.Square(a.C1)));
        return new Fp12(a.C0 * t, -(a.C1 * t));
    }

    /// <summary>The p^k-th power, k in 1..3.</summary>
    public static Fp12 Frobenius(in Fp12 a, int k)
    {
        Fp2[] g = FrobeniusCoefficients[k - 1];
        bool conj = (k & 1) == 1;
        Fp2 F(in Fp2 x, int j) => (conj ? Fp2.Conjugate(x) : x) * g[j];
        return new Fp12(
            new Fp6(F(a.C0.C0, 0), F(a.C0.C1, 2), F(a.C0.C2, 4)),
            new Fp6(F(a.C1.C0, 1), F(a.C1.C1, 3), F(a.C1.C2, 5)));
    }

    private static Fp2[][] BuildFrobeniusCoefficients()
    {
        var xi = new Fp2(Fp.One, Fp.One);
        var result = new Fp2[3][];
        BigInteger pk = 1;
        for (int k = 1; k <= 3; k++)
        {
            pk *= Fp.Modulus;
            Fp2 g1 = Fp2.Pow(xi, (pk - 1) / 6);
            result[k - 1] = new Fp2[6];
            Fp2 acc = Fp2.One;
            for (int j = 0; j < 6; j++)
            {
                result[k - 1][j] = acc;
                acc = acc * g1;
            }
        }

        return result;
    }
}
