// Design note: constant-time G2 multiplication for signing, using the endomorphism psi, which acts on G2 as
// multiplication by x (so [|x|] P = -psi(P)). The secret scalar k < r < |x|^4 is split into base-|x| digits
// k = d0 + d1 |x| + d2 |x|^2 + d3 |x|^3 (each below 2^64) by schoolbook long division with masked subtraction (fixed
// iteration count, no data-dependent branch), then k P = sum d_i Q_i with Q_i = [|x|^i] P = (-psi)^i (P).
// A joint table holds the 16 sums of subsets of {Q0..Q3}; each of the 64 steps doubles and adds the entry selected
// by one bit of every digit, fetched by scanning the whole table with masks; additions are the complete formulas.
using G2Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp2>;

namespace Marketplace.Crypto.Bls;

/// <summary>Endomorphism-accelerated constant-time scalar multiplication in G2.</summary>
internal static class G2ScalarMultiplication
{
    /// <summary>k P for a secret k below r (4 little-endian limbs) and P in G2.</summary>
    internal static G2Point MulSecret(in G2Point p, ReadOnlySpan<ulong> scalar)
    {
        Span<ulong> digits = stackalloc ulong[4];
        Decompose(scalar, digits);

        Span<G2Point> q = stackalloc G2Point[4];
        q[0] = p;
        for (int i = 1; i < 4; i++)
        {
            q[i] = G2Point.Negate(G2.Psi(q[i - 1]));
        }

        Span<G2Point> table = stackalloc G2Point[16];
        table[0] = G2Point.Identity;
        for (int j = 1; j < 16; j++)
        {
            int top = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)j);
            table[j] = G2Point.Add(table[j & ~(1 << top)], q[top]);
        }

        var r = G2Point.Identity;
        for (int bit = 63; bit >= 0; bit--)
        {
            r = G2Point.Double(r);
            uint index = (uint)(((digits[0] >> bit) & 1) | (((digits[1] >> bit) & 1) << 1)
                | (((digits[2] >> bit) & 1) << 2) | (((digits[3] >> bit) & 1) << 3));
            var entry = G2Point.Identity;
            for (uint i = 0; i < 16; i++)
            {
                ulong mask = (ulong)((long)((i ^ index) - 1UL) >> 63);
                entry = G2Point.Select(entry, table[(int)i], mask);
            }

            r = G2Point.Add(r, entry);
        }

        digits.Clear();
        return r;
    }

    /// <summary>Base-|x| digits of a 256-bit value below |x|^4, by constant-time long division.</summary>
    internal static void Decompose(ReadOnlySpan<ulong> scalar, Span<ulong> digits)
    {
        Span<ulong> n = stackalloc ulong[4];
        Span<ulong> quotient = stackalloc ulong[4];
        scalar[..4].CopyTo(n);
        for (int d = 0; d < 4; d++)
        {
            digits[d] = DivideByAbsX(n, quotient);
            quotient.CopyTo(n);
        }

        n.Clear();
        quotient.Clear();
    }

    /// <summary>quotient = n / |x|, returns n mod |x|; 256 fixed steps of shift and masked subtraction.</summary>
    private static ulong DivideByAbsX(ReadOnlySpan<ulong> n, Span<ulong> quotient)
    {
        const ulong D = G1.AbsX;
        ulong rem = 0;
        quotient.Clear();
        for (int bit = 255; bit >= 0; bit--)
        {
            ulong incoming = (n[bit >> 6] >> (bit & 63)) & 1;
            ulong high = rem >> 63;
            ulong low = (rem << 1) | incoming;
            ulong diff = low - D;
            ulong borrow = ((~low & D) | (~(low ^ D) & diff)) >> 63;
            ulong ge = high | (borrow ^ 1); // (high:low) >= D
            ulong mask = 0 - ge;
            rem = (diff & mask) | (low & ~mask);
            quotient[bit >> 6] |= ge << (bit & 63);
        }

        return rem;
    }
}
