// Design note: double-width products and one-shot Montgomery reduction for lazy reduction (see FpWide).
// MulWide is the 36-product schoolbook part of a Montgomery multiplication, Redc the 36-product reduction part;
// Fp2 multiplication forms a0 b0 - a1 b1 and a0 b1 + a1 b0 from three wide products and reduces twice instead of
// three times. All branch-free.
using System.Runtime.CompilerServices;

namespace Marketplace.Crypto.Bls;

/// <summary>Double-width products and reductions of <see cref="Fp"/>.</summary>
internal readonly partial struct Fp
{
    /// <summary>The plain 768-bit product a * b (operands below 2^384, no reduction).</summary>
    internal static FpWide MulWide(in Fp a, in Fp b)
    {
        ulong r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, c, bi;
        bi = b.L0;
        c = MAdd(a.L0, bi, 0, 0, out r0);
        c = MAdd(a.L1, bi, c, 0, out r1);
        c = MAdd(a.L2, bi, c, 0, out r2);
        c = MAdd(a.L3, bi, c, 0, out r3);
        c = MAdd(a.L4, bi, c, 0, out r4);
        c = MAdd(a.L5, bi, c, 0, out r5);
        r6 = c;
        bi = b.L1;
        c = MAdd(a.L0, bi, r1, 0, out r1);
        c = MAdd(a.L1, bi, r2, c, out r2);
        c = MAdd(a.L2, bi, r3, c, out r3);
        c = MAdd(a.L3, bi, r4, c, out r4);
        c = MAdd(a.L4, bi, r5, c, out r5);
        c = MAdd(a.L5, bi, r6, c, out r6);
        r7 = c;
        bi = b.L2;
        c = MAdd(a.L0, bi, r2, 0, out r2);
        c = MAdd(a.L1, bi, r3, c, out r3);
        c = MAdd(a.L2, bi, r4, c, out r4);
        c = MAdd(a.L3, bi, r5, c, out r5);
        c = MAdd(a.L4, bi, r6, c, out r6);
        c = MAdd(a.L5, bi, r7, c, out r7);
        r8 = c;
        bi = b.L3;
        c = MAdd(a.L0, bi, r3, 0, out r3);
        c = MAdd(a.L1, bi, r4, c, out r4);
        c = MAdd(a.L2, bi, r5, c, out r5);
        c = MAdd(a.L3, bi, r6, c, out r6);
        c = MAdd(a.L4, bi, r7, c, out r7);
        c = MAdd(a.L5, bi, r8, c, out r8);
        r9 = c;
        bi = b.L4;
        c = MAdd(a.L0, bi, r4, 0, out r4);
        c = MAdd(a.L1, bi, r5, c, out r5);
        c = MAdd(a.L2, bi, r6, c, out r6);
        c = MAdd(a.L3, bi, r7, c, out r7);
        c = MAdd(a.L4, bi, r8, c, out r8);
        c = MAdd(a.L5, bi, r9, c, out r9);
        r10 = c;
        bi = b.L5;
        c = MAdd(a.L0, bi, r5, 0, out r5);
        c = MAdd(a.L1, bi, r6, c, out r6);
        c = MAdd(a.L2, bi, r7, c, out r7);
        c = MAdd(a.L3, bi, r8, c, out r8);
        c = MAdd(a.L4, bi, r9, c, out r9);
        c = MAdd(a.L5, bi, r10, c, out r10);
        r11 = c;
        return new FpWide(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11);
    }

    /// <summary>
    /// Montgomery reduction t / R mod p, fully reduced, for t below p * 2^384. The low half is reduced on its own,
    /// u = (t_lo + m p) / R &lt;= p (six rows of the Montgomery step, no carry leaves the six-limb window), then the
    /// high half is added: u + t_hi &lt; 2p = (t + m p) / R, and one conditional subtraction finishes.
    /// </summary>
    internal static Fp Redc(in FpWide t)
    {
        ulong u0 = t.W0, u1 = t.W1, u2 = t.W2, u3 = t.W3, u4 = t.W4, u5 = t.W5, c, m;
        m = u0 * Inv;
        c = MulHigh(m, P0) + (u0 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, u1, c, out u0);
        c = MAdd(m, P2, u2, c, out u1);
        c = MAdd(m, P3, u3, c, out u2);
        c = MAdd(m, P4, u4, c, out u3);
        c = MAdd(m, P5, u5, c, out u4);
        u5 = c;
        m = u0 * Inv;
        c = MulHigh(m, P0) + (u0 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, u1, c, out u0);
        c = MAdd(m, P2, u2, c, out u1);
        c = MAdd(m, P3, u3, c, out u2);
        c = MAdd(m, P4, u4, c, out u3);
        c = MAdd(m, P5, u5, c, out u4);
        u5 = c;
        m = u0 * Inv;
        c = MulHigh(m, P0) + (u0 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, u1, c, out u0);
        c = MAdd(m, P2, u2, c, out u1);
        c = MAdd(m, P3, u3, c, out u2);
        c = MAdd(m, P4, u4, c, out u3);
        c = MAdd(m, P5, u5, c, out u4);
        u5 = c;
        m = u0 * Inv;
        c = MulHigh(m, P0) + (u0 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, u1, c, out u0);
        c = MAdd(m, P2, u2, c, out u1);
        c = MAdd(m, P3, u3, c, out u2);
        c = MAdd(m, P4, u4, c, out u3);
        c = MAdd(m, P5, u5, c, out u4);
        u5 = c;
        m = u0 * Inv;
        c = MulHigh(m, P0) + (u0 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, u1, c, out u0);
        c = MAdd(m, P2, u2, c, out u1);
        c = MAdd(m, P3, u3, c, out u2);
        c = MAdd(m, P4, u4, c, out u3);
        c = MAdd(m, P5, u5, c, out u4);
        u5 = c;
        m = u0 * Inv;
        c = MulHigh(m, P0) + (u0 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, u1, c, out u0);
        c = MAdd(m, P2, u2, c, out u1);
        c = MAdd(m, P3, u3, c, out u2);
        c = MAdd(m, P4, u4, c, out u3);
        c = MAdd(m, P5, u5, c, out u4);
        u5 = c;
        c = 0;
        u0 = AddC(u0, t.W6, ref c); u1 = AddC(u1, t.W7, ref c); u2 = AddC(u2, t.W8, ref c);
        u3 = AddC(u3, t.W9, ref c); u4 = AddC(u4, t.W10, ref c); u5 = AddC(u5, t.W11, ref c);
        return Reduce(u0, u1, u2, u3, u4, u5);
    }

    /// <summary>a - b for a &gt;= b (the caller guarantees it; no modular correction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static FpWide SubWide(in FpWide a, in FpWide b)
    {
        ulong br = 0;
        return new FpWide(
            SubB(a.W0, b.W0, ref br), SubB(a.W1, b.W1, ref br), SubB(a.W2, b.W2, ref br), SubB(a.W3, b.W3, ref br),
            SubB(a.W4, b.W4, ref br), SubB(a.W5, b.W5, ref br), SubB(a.W6, b.W6, ref br), SubB(a.W7, b.W7, ref br),
            SubB(a.W8, b.W8, ref br), SubB(a.W9, b.W9, ref br), SubB(a.W10, b.W10, ref br), SubB(a.W11, b.W11, ref br));
    }

    /// <summary>
    /// a - b modulo p * 2^384 for a, b below p * 2^384: when the difference is negative, p * 2^384 is added (p to
    /// the upper six limbs), so the result is again below p * 2^384 and congruent to a - b mod p after reduction.
    /// </summary>
    internal static FpWide SubWideModP(in FpWide a, in FpWide b)
    {
        ulong br = 0;
        ulong w0 = SubB(a.W0, b.W0, ref br), w1 = SubB(a.W1, b.W1, ref br), w2 = SubB(a.W2, b.W2, ref br);
        ulong w3 = SubB(a.W3, b.W3, ref br), w4 = SubB(a.W4, b.W4, ref br), w5 = SubB(a.W5, b.W5, ref br);
        ulong w6 = SubB(a.W6, b.W6, ref br), w7 = SubB(a.W7, b.W7, ref br), w8 = SubB(a.W8, b.W8, ref br);
        ulong w9 = SubB(a.W9, b.W9, ref br), w10 = SubB(a.W10, b.W10, ref br), w11 = SubB(a.W11, b.W11, ref br);
        ulong mask = 0 - br;
        ulong c = 0;
        w6 = AddC(w6, P0 & mask, ref c); w7 = AddC(w7, P1 & mask, ref c); w8 = AddC(w8, P2 & mask, ref c);
        w9 = AddC(w9, P3 & mask, ref c); w10 = AddC(w10, P4 & mask, ref c); w11 = AddC(w11, P5 & mask, ref c);
        return new FpWide(w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11);
    }
}
