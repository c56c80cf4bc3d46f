// Design note: constant-time G1 multiplication for SkToPk with the GLV endomorphism phi(x, y) = (beta x, y), which
// acts on G1 as multiplication by -x^2 (beta is chosen that way at start-up), so [x^2] P = -phi(P). The secret k < r
// < x^4 is split into two base-x^2 digits k = e0 + e1 x^2 (each below 2^128, from the constant-time base-|x| long
// division), and k P = e0 P + e1 Q with Q = -phi(P). Two bits of each digit are consumed per step: a 16-entry joint
// table a P + b Q (a, b in 0..3), scanned in full with masks; two doublings and one complete addition per step.
using G1Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp>;

namespace Marketplace.Crypto.Bls;

/// <summary>Endomorphism-accelerated constant-time scalar multiplication in G1.</summary>
internal static class G1ScalarMultiplication
{
    /// <summary>k P for a secret k below r (4 little-endian limbs) and P in G1.</summary>
    internal static G1Point MulSecret(in G1Point p, ReadOnlySpan<ulong> scalar)
    {
        Span<ulong> d = stackalloc ulong[4];
        G2ScalarMultiplication.Decompose(scalar, d);
        UInt128 e0 = d[0] + (UInt128)d[1] * G1.AbsX;
        UInt128 e1 = d[2] + (UInt128)d[3] * G1.AbsX;
        d.Clear();

        var q = G1Point.Negate(G1.Phi(p));
        Span<G1Point> table = stackalloc G1Point[16];
        table[0] = G1Point.Identity;
        table[1] = p;
        table[2] = G1Point.Double(p);
        table[3] = G1Point.Add(table[2], p);
        for (int b = 1; b < 4; b++)
        {
            for (int a = 0; a < 4; a++)
            {
                table[a + 4 * b] = G1Point.Add(table[a + 4 * (b - 1)], q);
            }
        }

        var r = G1Point.Identity;
        for (int step = 63; step >= 0; step--)
        {
            r = G1Point.Double(G1Point.Double(r));
            uint index = (uint)((ulong)(e0 >> (2 * step)) & 3) | ((uint)((ulong)(e1 >> (2 * step)) & 3) << 2);
            var entry = G1Point.Identity;
            for (uint i = 0; i < 16; i++)
            {
                ulong mask = (ulong)((long)((i ^ index) - 1UL) >> 63);
                entry = G1Point.Select(entry, table[(int)i], mask);
            }

            r = G1Point.Add(r, entry);
        }

        e0 = 0;
        e1 = 0;
        return r;
    }
}
