// Design note: Fp6 = Fp2[v]/(v^3 - xi), xi = 1 + u. Karatsuba-style multiplication (6 Fp2 products); the sparse
// products used by the Miller loop multiply by a + b*v and by b*v only.
using System.Runtime.CompilerServices;
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>An element c0 + c1*v + c2*v^2 of Fp6.</summary>
[SkipLocalsInit] // locals here are always written before use
internal readonly struct Fp6
{
    internal readonly Fp2 C0, C1, C2;

    internal Fp6(in Fp2 c0, in Fp2 c1, in Fp2 c2)
    {
        C0 = c0;
        C1 = c1;
        C2 = c2;
    }

    public static Fp6 Zero => default;

    public static Fp6 One => new(Fp2.One, Fp2.Zero, Fp2.Zero);

    public bool IsZero => C0.IsZero && C1.IsZero && C2.IsZero;

    public static Fp6 operator +(in Fp6 a, in Fp6 b) => new(a.C0 + b.C0, a.C1 + b.C1, a.C2 + b.C2);

    public static Fp6 operator -(in Fp6 a, in Fp6 b) => new(a.C0 - b.C0, a.C1 - b.C1, a.C2 - b.C2);

    public static Fp6 operator -(in Fp6 a) => new(-a.C0, -a.C1, -a.C2);

    public static Fp6 operator *(in Fp6 a, in Fp6 b) => Mul(a, b);

    public static bool Equal(in Fp6 a, in Fp6 b) => Fp2.Equal(a.C0, b.C0) && Fp2.Equal(a.C1, b.C1) && Fp2.Equal(a.C2, b.C2);

    public static unsafe Fp6 Mul(in Fp6 a, in Fp6 b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.Fp6Mul, a, b);
        }

        return MulManaged(a, b);
    }

    /// <summary>Karatsuba product in managed code (over the Fp2 operations, kernel or managed).</summary>
    internal static Fp6 MulManaged(in Fp6 a, in Fp6 b)
    {
        Fp2 t0 = a.C0 * b.C0;
        Fp2 t1 = a.C1 * b.C1;
        Fp2 t2 = a.C2 * b.C2;
        Fp2 c0 = Fp2.MulByXi((a.C1 + a.C2) * (b.C1 + b.C2) - t1 - t2) + t0;
        Fp2 c1 = (a.C0 + a.C1) * (b.C0 + b.C1) - t0 - t1 + Fp2.MulByXi(t2);
        Fp2 c2 = (a.C0 + a.C2) * (b.C0 + b.C2) - t0 - t2 + t1;
        return new Fp6(c0, c1, c2);
    }

    public static Fp6 Square(in Fp6 a)
    {
        // Chung-Hasan SQR2.
        Fp2 s0 = Fp2.Square(a.C0);
        Fp2 ab = a.C0 * a.C1;
        Fp2 s1 = Fp2.Double(ab);
        Fp2 s2 = Fp2.Square(a.C0 - a.C1 + a.C2);
        Fp2 bc = a.C1 * a.C2;
        Fp2 s3 = Fp2.Double(bc);
        Fp2 s4 = Fp2.Square(a.C2);
        return new Fp6(
            s0 + Fp2.MulByXi(s3),
            s1 + Fp2.MulByXi(s4),
            s1 + s2 + s3 - s0 - s4);
    }

    /// <summary>Multiplies by v: (c0, c1, c2) * v = (xi*c2, c0, c1).</summary>
    public static Fp6 MulByV(in Fp6 a) => new(Fp2.MulByXi(a.C2), a.C0, a.C1);

    /// <summary>Multiplies by the sparse element b0 + b1*v.</summary>
    public static Fp6 MulBy01(in Fp6 a, in Fp2 b0, in Fp2 b1)
    {
        Fp2 t0 = a.C0 * b0;
        Fp2 t1 = a.C1 * b1;
        Fp2 c0 = Fp2.MulByXi(a.C2 * b1) + t0;
        Fp2 c1 = (a.C0 + a.C1) * (b0 + b1) - t0 - t1;
        Fp2 c2 = a.C2 * b0 + t1;
        return new Fp6(c0, c1, c2);
    }

    /// <summary>Multiplies by the sparse element b1*v.</summary>
    public static Fp6 MulBy1(in Fp6 a, in Fp2 b1) => new(Fp2.MulByXi(a.C2 * b1), a.C0 * b1, a.C1 * b1);

    /// <summary>Inverse of a public value (used by the final exponentiation only).</summary>
    public static Fp6 Inverse(in Fp6 a)
    {
        Fp2 c0 = Fp2.Square(a.C0) - Fp2.MulByXi(a.C1 * a.C2);
        Fp2 c1 = Fp2.MulByXi(Fp2.Square(a.C2)) - a.C0 * a.C1;
        Fp2 c2 = Fp2.Square(a.C1) - a.C0 * a.C2;
        Fp2 t = a.C0 * c0 + Fp2.MulByXi(a.C2 * c1 + a.C1 * c2);
        Fp2 ti = Fp2.InversePublic(t); // Fp6/Fp12 inverses only ever see pairing values, which are public

        return new Fp6(c0 * ti, c1 * ti, c2 * ti);
    }
}
