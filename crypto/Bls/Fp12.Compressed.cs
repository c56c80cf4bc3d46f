// Design note: Karabina's compressed squaring in the cyclotomic subgroup (as in Aranha, Karabina, Longa, Gebotys,
// Lopez 2011). Seen over Fp4 = Fp2[t]/(t^2 - xi), t = w^3, an element is A + B w + C w^2 and the Granger-Scott
// square is (3A^2 - 2 conj A) + (3 t C^2 + 2 conj B) w + (3B^2 - 2 conj C) w^2: the new B and C depend only on
// the old B and C. So a run of squarings keeps only B = g2 + g3 t and C = g4 + g5 t (Karabina's numbering: g2, g3,
// g4, g5 are the w^1, w^4, w^2, w^5 coefficients), six Fp2 squarings each instead of nine, and recovers
// A = g0 + g1 t at the end: g1 = (xi g5^2 + 3 g4^2 - 2 g3) / (4 g2) and g0 = xi (2 g1^2 + g2 g5 - 3 g3 g4) + 1.
// The exponentiation by |x| squares 63 times and decompresses the six intermediate powers at the set bits of |x|
// with one shared inversion (Montgomery's trick). Pairing values are public, so the g2 = 0 case may branch: it
// falls back to plain cyclotomic squaring.
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>Compressed cyclotomic squaring and the exponentiation by |x| built on it.</summary>
internal readonly partial struct Fp12
{
    /// <summary>Number of set bits of |x| (the powers to decompress).</summary>
    private const int AbsXWeight = 6;

    /// <summary>
    /// The square of a compressed cyclotomic element: only the w^1, w^2, w^4, w^5 coefficients are read and
    /// written (the w^0 and w^3 coefficients of the result are zero until <see cref="Decompress"/>).
    /// </summary>
    public static unsafe Fp12 CompressedSquare(in Fp12 f)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Unary(FieldKernels.Fp12CompressedSquare, f);
        }

        return CompressedSquareManaged(f);
    }

    /// <summary>Compressed squaring in managed code.</summary>
    internal static Fp12 CompressedSquareManaged(in Fp12 f)
    {
        Fp2 g1 = f.C1.C0, g2 = f.C0.C1, g4 = f.C0.C2, g5 = f.C1.C2; // Granger-Scott numbering (w^i)
        Fp4Square(g1, g4, out var b0, out var b1);
        Fp4Square(g2, g5, out var c0, out var c1);
        Fp2 tc0 = Fp2.MulByXi(c1);
        Fp2 h1 = Fp2.Double(tc0 + g1) + tc0;
        Fp2 h4 = Fp2.Double(c0 - g4) + c0;
        Fp2 h2 = Fp2.Double(b0 - g2) + b0;
        Fp2 h5 = Fp2.Double(b1 + g5) + b1;
        return new Fp12(new Fp6(Fp2.Zero, h2, h4), new Fp6(h1, Fp2.Zero, h5));
    }

    /// <summary>
    /// m^|x| for m in the cyclotomic subgroup with compressed squarings; false (and no result) when an
    /// intermediate power has g2 = 0, where the decompression formula does not apply.
    /// </summary>
    internal static bool TryPowAbsXCompressed(in Fp12 m, out Fp12 result)
    {
        Span<Fp12> powers = stackalloc Fp12[AbsXWeight];
        Span<Fp2> denominators = stackalloc Fp2[AbsXWeight];
        Span<Fp2> prefix = stackalloc Fp2[AbsXWeight];
        int count = 0;
        Fp12 z = m;
        for (int bit = 0; bit < 64; bit++)
        {
            if (((G1.AbsX >> bit) & 1) != 0)
            {
                powers[count++] = z;
            }

            if (bit < 63)
            {
                z = CompressedSquare(z);
            }
        }

        // Batch inversion of the denominators 4 g2 (g2 = the w^1 coefficient).
        Fp2 acc = Fp2.One;
        for (int i = 0; i < AbsXWeight; i++)
        {
            Fp2 g2 = powers[i].C1.C0;
            if (g2.IsZero)
            {
                result = default;
                return false;
            }

            denominators[i] = Fp2.Double(Fp2.Double(g2));
            prefix[i] = acc;
            acc = acc * denominators[i];
        }

        Fp2 inverse = Fp2.InversePublic(acc);
        for (int i = AbsXWeight - 1; i >= 0; i--)
        {
            Fp2 inverseI = inverse * prefix[i];
            inverse = inverse * denominators[i];
            powers[i] = Decompress(powers[i], inverseI);
        }

        // The first power (bit 0 of |x| is clear) is m^(2^16); m itself is never needed uncompressed here.
        result = powers[0];
        for (int i = 1; i < AbsXWeight; i++)
        {
            result = result * powers[i];
        }

        return true;
    }

    /// <summary>Restores the w^0 and w^3 coefficients of a compressed element, given 1 / (4 g2).</summary>
    private static Fp12 Decompress(in Fp12 c, in Fp2 inverseFourG2)
    {
        // Karabina's numbering: g2 = w^1, g3 = w^4, g4 = w^2, g5 = w^5; unknown g0 = w^0, g1 = w^3.
        Fp2 g2 = c.C1.C0, g3 = c.C0.C2, g4 = c.C0.C1, g5 = c.C1.C2;
        Fp2 g4Squared = Fp2.Square(g4);
        Fp2 numerator = Fp2.MulByXi(Fp2.Square(g5)) + Fp2.Double(g4Squared) + g4Squared - Fp2.Double(g3);
        Fp2 g1 = numerator * inverseFourG2;
        Fp2 g3g4 = g3 * g4;
        Fp2 g0 = Fp2.MulByXi(Fp2.Double(Fp2.Square(g1)) + g2 * g5 - Fp2.Double(g3g4) - g3g4) + Fp2.One;
        return new Fp12(new Fp6(g0, g4, g3), new Fp6(g2, g1, g5));
    }
}
