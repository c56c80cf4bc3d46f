// Design note: Fp2 = Fp[u]/(u^2 + 1). Karatsuba multiplication (3 plain Fp products, 2 Montgomery reductions:
// lazy reduction, see FpWide), complex squaring (2 products);
// the sums a0 + a1 fed to the Fp products skip their final subtraction (Fp.Mul accepts operands below 2p).
// The square root follows Adj and Rodriguez-Henriquez (Algorithm 9, p = 3 mod 4); it is used only on public data
// (decompression, hashing). The twist constant xi = 1 + u is the non-residue of the Fp6 and Fp12 towers.
using System.Numerics;
using System.Runtime.CompilerServices;
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>An element c0 + c1*u of Fp2.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers here are always written before use
internal readonly struct Fp2 : IFieldElement<Fp2>
{
    internal readonly Fp C0, C1;

    private static readonly Fp HalfValue = Fp.Inverse(Fp.Double(Fp.One));

    internal Fp2(in Fp c0, in Fp c1)
    {
        C0 = c0;
        C1 = c1;
    }

    public static Fp2 Zero => default;

    public static Fp2 One => new(Fp.One, Fp.Zero);

    public bool IsZero => C0.IsZero && C1.IsZero;

    public ulong IsZeroMask() => C0.IsZeroMask() & C1.IsZeroMask();

    public static unsafe Fp2 Add(in Fp2 a, in Fp2 b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.Fp2Add, a, b);
        }

        return new(Fp.AddManaged(a.C0, b.C0), Fp.AddManaged(a.C1, b.C1));
    }

    public static unsafe Fp2 Sub(in Fp2 a, in Fp2 b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.Fp2Sub, a, b);
        }

        return new(Fp.SubManaged(a.C0, b.C0), Fp.SubManaged(a.C1, b.C1));
    }

    public static Fp2 Neg(in Fp2 a) => new(-a.C0, -a.C1);

    public static unsafe Fp2 Double(in Fp2 a)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Unary(FieldKernels.Fp2Double, a);
        }

        return new(Fp.AddManaged(a.C0, a.C0), Fp.AddManaged(a.C1, a.C1));
    }

    public static unsafe Fp2 Mul(in Fp2 a, in Fp2 b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.Fp2Mul, a, b);
        }

        return MulManaged(a, b);
    }

    /// <summary>Karatsuba product in managed code.</summary>
    internal static Fp2 MulManaged(in Fp2 a, in Fp2 b)
    {
        // Lazy reduction: three plain products, two Montgomery reductions. Inputs are reduced (below p), so
        // t0, t1 < p^2, t2 < 4p^2, a0 b1 + a1 b0 = t2 - t0 - t1 is exact and below 2p^2, and t0 - t1 is taken
        // modulo p * 2^384; both stay below p * 2^384 as Redc requires.
        FpWide t0 = Fp.MulWide(a.C0, b.C0);
        FpWide t1 = Fp.MulWide(a.C1, b.C1);
        FpWide t2 = Fp.MulWide(Fp.AddUnreduced(a.C0, a.C1), Fp.AddUnreduced(b.C0, b.C1));
        return new Fp2(Fp.Redc(Fp.SubWideModP(t0, t1)), Fp.Redc(Fp.SubWide(Fp.SubWide(t2, t0), t1)));
    }

    public static unsafe Fp2 Square(in Fp2 a)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Unary(FieldKernels.Fp2Square, a);
        }

        return SquareManaged(a);
    }

    /// <summary>Complex squaring in managed code.</summary>
    internal static Fp2 SquareManaged(in Fp2 a)
    {
        Fp s = Fp.Mul(Fp.AddUnreduced(a.C0, a.C1), a.C0 - a.C1);
        Fp d = Fp.Mul(Fp.AddUnreduced(a.C0, a.C0), a.C1); // 2 a0 below 2p: no separate doubling
        return new Fp2(s, d);
    }

    /// <summary>Multiplies by an element of the base field.</summary>
    public static unsafe Fp2 MulByFp(in Fp2 a, in Fp b)
    {
        if (FieldKernels.Enabled)
        {
            Unsafe.SkipInit(out Fp2 r);
            fixed (Fp2* pa = &a)
            fixed (Fp* pb = &b)
            {
                FieldKernels.Fp2MulByFp(&r, pa, pb);
            }

            return r;
        }

        return new(Fp.MulManaged(a.C0, b), Fp.MulManaged(a.C1, b));
    }

    /// <summary>Multiplies by xi = 1 + u: (c0 - c1) + (c0 + c1)u.</summary>
    public static unsafe Fp2 MulByXi(in Fp2 a)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Unary(FieldKernels.Fp2MulByXi, a);
        }

        return new(Fp.SubManaged(a.C0, a.C1), Fp.AddManaged(a.C0, a.C1));
    }

    public static Fp2 Conjugate(in Fp2 a) => new(a.C0, -a.C1);

    public static bool Equal(in Fp2 a, in Fp2 b) => Fp.Equal(a.C0, b.C0) && Fp.Equal(a.C1, b.C1);

    public static Fp2 Select(in Fp2 a, in Fp2 b, ulong mask) => new(Fp.Select(a.C0, b.C0, mask), Fp.Select(a.C1, b.C1, mask));

    public static Fp2 MulByCurveB3(in Fp2 a)
    {
        // 3 * 4(1 + u) = 12(1 + u)
        Fp2 x = MulByXi(a);
        Fp2 x2 = Double(x);
        Fp2 x4 = Double(x2);
        Fp2 x8 = Double(x4);
        return Add(x8, x4);
    }

    public static Fp2 Inverse(in Fp2 a)
    {
        Fp n = Fp.Inverse(a.C0 * a.C0 + a.C1 * a.C1);
        return new Fp2(a.C0 * n, -(a.C1 * n));
    }

    public static Fp2 InversePublic(in Fp2 a)
    {
        Fp n = Fp.InversePublic(a.C0 * a.C0 + a.C1 * a.C1);
        return new Fp2(a.C0 * n, -(a.C1 * n));
    }

    /// <summary>a^e for a public exponent (little-endian limbs), square and multiply.</summary>
    internal static Fp2 Pow(in Fp2 a, ReadOnlySpan<ulong> e)
    {
        Span<Fp2> table = stackalloc Fp2[16];
        table[0] = One;
        table[1] = a;
        for (int i = 2; i < 16; i++)
        {
            table[i] = Mul(table[i - 1], a);
        }

        Fp2 r = One;
        bool started = false;
        for (int i = e.Length * 16 - 1; i >= 0; i--)
        {
            int w = (int)((e[i >> 4] >> ((i & 15) * 4)) & 15);
            if (started)
            {
                r = Square(Square(Square(Square(r))));
                r = Mul(r, table[w]);
            }
            else if (w != 0)
            {
                r = table[w];
                started = true;
            }
        }

        return r;
    }

    /// <summary>Set-up only: a^e for a big-integer exponent.</summary>
    internal static Fp2 Pow(in Fp2 a, BigInteger e)
    {
        var limbs = new List<ulong>();
        var mask = (BigInteger.One << 64) - 1;
        while (e > 0)
        {
            limbs.Add((ulong)(e & mask));
            e >>= 64;
        }

        return Pow(a, limbs.ToArray());
    }

    /// <summary>
    /// Square root of a public value; false when a is not a square in Fp2. Uses the norm: a = a0 + a1 u is a square
    /// exactly when N(a) = a0^2 + a1^2 is a square in Fp; then with s = sqrt(N(a)) one of (a0 +- s)/2 is a square x0^2
    /// and the root is x0 + a1/(2 x0) u.
    /// </summary>
    internal static bool TrySqrt(in Fp2 a, out Fp2 root)
    {
        root = Zero;
        if (a.C1.IsZero)
        {
            if (Fp.TrySqrt(a.C0, out var r0))
            {
                root = new Fp2(r0, Fp.Zero);
                return true;
            }

            // a0 is a non-square in Fp; -a0 is then a square (p = 3 mod 4) and (sqrt(-a0) u)^2 = a0.
            if (Fp.TrySqrt(-a.C0, out var r1))
            {
                root = new Fp2(Fp.Zero, r1);
                return true;
            }

            return false;
        }

        if (!Fp.TrySqrt(Norm(a), out var s))
        {
            return false;
        }

        return TrySqrtWithNormRoot(a, s, out root);
    }

    /// <summary>a0^2 + a1^2, the norm to Fp.</summary>
    internal static Fp Norm(in Fp2 a) => a.C0 * a.C0 + a.C1 * a.C1;

    /// <summary>Square root of a (with a1 != 0) given a square root s of its norm; false if the result fails the check.</summary>
    internal static bool TrySqrtWithNormRoot(in Fp2 a, in Fp s, out Fp2 root)
    {
        // With t = (a0 + s)/2 (non-zero, as a1 != 0), e = t^((p-3)/4) and r = t e = t^((p+1)/4). Either r^2 = t:
        // 1/r = r/t = e, root x0 = r, x1 = a1/(2r) = a1 e/2; or t is not a square, r^2 = -t, 1/r = -e, and
        // (a0 - s)/2 = -a1^2/(4t) is, with root x0 = -a1/(2r) = a1 e/2, x1 = -r. One exponentiation, no inversion.
        Fp t = Fp.Mul(a.C0 + s, HalfValue);
        Fp e = Fp.Pow(t, Fp.PMinus3Over4);
        Fp r = t * e;
        Fp half = Fp.Mul(a.C1 * e, HalfValue);
        root = Fp.Equal(Fp.Square(r), t) ? new Fp2(r, half) : new Fp2(half, -r);
        return Equal(Square(root), a);
    }

    /// <summary>sgn0 for Fp2 (RFC 9380 section 4.1).</summary>
    internal int Sgn0()
    {
        int sign0 = C0.Sgn0();
        int zero0 = C0.IsZero ? 1 : 0;
        int sign1 = C1.Sgn0();
        return sign0 | (zero0 & sign1);
    }

    /// <summary>The Zcash sign flag: compare c1, and c0 when c1 is zero.</summary>
    internal bool IsLexLargest() => C1.IsZero ? C0.IsLexLargest() : C1.IsLexLargest();

    public static Fp2 operator +(in Fp2 a, in Fp2 b) => Add(a, b);

    public static Fp2 operator -(in Fp2 a, in Fp2 b) => Sub(a, b);

    public static Fp2 operator -(in Fp2 a) => Neg(a);

    public static Fp2 operator *(in Fp2 a, in Fp2 b) => Mul(a, b);

    public override string ToString() => $"({C0}, {C1})";
}
