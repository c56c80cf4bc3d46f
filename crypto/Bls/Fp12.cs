// Design note: Fp12 = Fp6[w]/(w^2 - v). Elements are c0 + c1*w; seen over Fp2 the basis is w^0..w^5 with
// c0 = (w^0, w^2, w^4) and c1 = (w^1, w^3, w^5), which makes the Frobenius map a conjugation of each Fp2
// coefficient followed by a multiplication with xi^(j(p^k - 1)/6), constants computed once at start-up.
// Miller-loop lines are sparse: a + b*v + c*v*w (coefficients at w^0, w^2, w^3).
using System.Numerics;

namespace Marketplace.Crypto.Bls;

/// <summary>An element c0 + c1*w of Fp12 (the pairing target group lives here).</summary>
internal readonly struct Fp12
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

    public static Fp12 Mul(in Fp12 a, in Fp12 b)
    {
        Fp6 t0 = a.C0 * b.C0;
        Fp6 t1 = a.C1 * b.C1;
        Fp6 c1 = (a.C0 + a.C1) * (b.C0 + b.C1) - t0 - t1;
        return new Fp12(t0 + Fp6.MulByV(t1), c1);
    }

    public static Fp12 Square(in Fp12 a)
    {
        Fp6 t = a.C0 * a.C1;
        Fp6 c0 = (a.C0 + a.C1) * (a.C0 + Fp6.MulByV(a.C1)) - t - Fp6.MulByV(t);
        return new Fp12(c0, t + t);
    }

    /// <summary>Squaring of an element of the cyclotomic subgroup (plain squaring for now).</summary>
    public static Fp12 CyclotomicSquare(in Fp12 a) => Square(a);

    /// <summary>Multiplies by the sparse line value a + b*v + c*v*w.</summary>
    public static Fp12 MulByLine(in Fp12 f, in Fp2 a, in Fp2 b, in Fp2 c)
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
