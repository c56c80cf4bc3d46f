// Design note: variable-time inversion for public values (verification, hashing, decompression): binary extended
// Euclid on the canonical value, then one Montgomery product with R^3 to return to Montgomery form
// ((aR)^-1 * R^3 / R = a^-1 R). Secret-derived values must use the constant-time Fermat Inverse instead.
namespace Marketplace.Crypto.Bls;

/// <summary>Variable-time inversion of <see cref="Fp"/> for public data.</summary>
internal readonly partial struct Fp
{
    /// <summary>1/a for a public a (binary extended Euclid, variable time); 0 maps to 0.</summary>
    internal static Fp InversePublic(in Fp a)
    {
        if (a.IsZero)
        {
            return Zero;
        }

        Span<ulong> u = [a.L0, a.L1, a.L2, a.L3, a.L4, a.L5];
        Span<ulong> v = [P0, P1, P2, P3, P4, P5];
        Span<ulong> x1 = [1, 0, 0, 0, 0, 0];
        Span<ulong> x2 = [0, 0, 0, 0, 0, 0];
        while (!IsOne(u) && !IsOne(v))
        {
            while ((u[0] & 1) == 0)
            {
                ShiftRight(u);
                HalveModP(x1);
            }

            while ((v[0] & 1) == 0)
            {
                ShiftRight(v);
                HalveModP(x2);
            }

            if (!LessThan(u, v))
            {
                SubInPlace(u, v);
                SubModP(x1, x2);
            }
            else
            {
                SubInPlace(v, u);
                SubModP(x2, x1);
            }
        }

        Span<ulong> r = IsOne(u) ? x1 : x2;
        return Mul(new Fp(r[0], r[1], r[2], r[3], r[4], r[5]), R3Raw);
    }

    private static bool IsOne(ReadOnlySpan<ulong> x) => x[0] == 1 && (x[1] | x[2] | x[3] | x[4] | x[5]) == 0;

    private static bool LessThan(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        for (int i = 5; i >= 0; i--)
        {
            if (a[i] != b[i])
            {
                return a[i] < b[i];
            }
        }

        return false;
    }

    private static void ShiftRight(Span<ulong> x)
    {
        for (int i = 0; i < 5; i++)
        {
            x[i] = (x[i] >> 1) | (x[i + 1] << 63);
        }

        x[5] >>= 1;
    }

    private static ulong SubInPlace(Span<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong borrow = 0;
        for (int i = 0; i < 6; i++)
        {
            a[i] = SubB(a[i], b[i], ref borrow);
        }

        return borrow;
    }

    /// <summary>x = x / 2 mod p for x below p.</summary>
    private static void HalveModP(Span<ulong> x)
    {
        if ((x[0] & 1) != 0)
        {
            ulong c = 0;
            x[0] = AddC(x[0], P0, ref c);
            x[1] = AddC(x[1], P1, ref c);
            x[2] = AddC(x[2], P2, ref c);
            x[3] = AddC(x[3], P3, ref c);
            x[4] = AddC(x[4], P4, ref c);
            x[5] = AddC(x[5], P5, ref c);
        }

        ShiftRight(x);
    }

    /// <summary>a = a - b mod p for a, b below p.</summary>
    private static void SubModP(Span<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (SubInPlace(a, b) != 0)
        {
            ulong c = 0;
            a[0] = AddC(a[0], P0, ref c);
            a[1] = AddC(a[1], P1, ref c);
            a[2] = AddC(a[2], P2, ref c);
            a[3] = AddC(a[3], P3, ref c);
            a[4] = AddC(a[4], P4, ref c);
            a[5] = AddC(a[5], P5, ref c);
        }
    }
}
