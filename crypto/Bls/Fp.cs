// Design note: an element of the BLS12-381 base field (p has 381 bits) held as six 64-bit limbs in Montgomery
// form (R = 2^384). Multiplication is CIOS Montgomery with the "no final carry" shortcut (valid because the top
// limb of p is below 2^62), fully unrolled, with Math.BigMul for the 64x64->128 products. Mul and Square accept
// operands below 2p (ab < 4p^2 < pR), which lets Fp2 feed them unreduced sums (AddUnreduced). Add, Sub, Neg and
// Select are branch-free (masks), so values derived from secrets never steer control flow or memory access.
// BigInteger appears only in the static set-up of constants and in the test/diagnostic conversions.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>An element of Fp, p = the BLS12-381 base-field modulus, in Montgomery form.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers here are always written before use
internal readonly partial struct Fp : IFieldElement<Fp>
{
    internal const ulong P0 = 0xb9feffffffffaaab, P1 = 0x1eabfffeb153ffff, P2 = 0x6730d2a0f6b0f624,
        P3 = 0x64774b84f38512bf, P4 = 0x4b1ba7b6434bacd7, P5 = 0x1a0111ea397fe69a;

    /// <summary>-p^-1 mod 2^64.</summary>
    internal const ulong Inv = 0x89f3fffcfffcfffd;

    internal readonly ulong L0, L1, L2, L3, L4, L5;

    internal Fp(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4, ulong l5)
    {
        L0 = l0; L1 = l1; L2 = l2; L3 = l3; L4 = l4; L5 = l5;
    }

    /// <summary>The modulus p as a big integer (set-up and tests only).</summary>
    internal static readonly BigInteger Modulus = BigInteger.Parse(
        "01a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
        System.Globalization.NumberStyles.HexNumber);

    private static readonly Fp RawOne = new(1, 0, 0, 0, 0, 0);

    private static readonly ulong[] HalfLimbs = Limbs((Modulus - 1) / 2);

    /// <summary>R^2 mod p (raw limbs), used to enter Montgomery form.</summary>
    private static readonly Fp R2 = RawFromBigInteger(BigInteger.ModPow(2, 768, Modulus));

    /// <summary>Zero.</summary>
    public static Fp Zero => default;

    /// <summary>One (R mod p in raw limbs).</summary>
    public static readonly Fp OneValue = RawFromBigInteger(BigInteger.ModPow(2, 384, Modulus));

    /// <summary>One.</summary>
    public static Fp One => OneValue;

    /// <summary>(p - 3) / 4, the exponent of the square-root candidate's helper.</summary>
    internal static readonly FpExponent PMinus3Over4 = new((Modulus - 3) / 4);

    /// <summary>(p + 1) / 4: a^((p+1)/4) is a square root of a when a is a square.</summary>
    internal static readonly FpExponent PPlus1Over4 = new((Modulus + 1) / 4);

    /// <summary>(p - 1) / 2, the Legendre exponent.</summary>
    internal static readonly FpExponent PMinus1Over2 = new((Modulus - 1) / 2);

    /// <summary>p - 2, Fermat inversion exponent.</summary>
    internal static readonly FpExponent PMinus2 = new(Modulus - 2);

    public bool IsZero => (L0 | L1 | L2 | L3 | L4 | L5) == 0;

    public ulong IsZeroMask()
    {
        ulong d = L0 | L1 | L2 | L3 | L4 | L5;
        return (ulong)((long)((d | (0 - d)) >> 63) - 1);
    }

    public static bool Equal(in Fp a, in Fp b) =>
        ((a.L0 ^ b.L0) | (a.L1 ^ b.L1) | (a.L2 ^ b.L2) | (a.L3 ^ b.L3) | (a.L4 ^ b.L4) | (a.L5 ^ b.L5)) == 0;

    /// <summary>All-ones when a == b, zero otherwise, without branching.</summary>
    internal static ulong EqualMask(in Fp a, in Fp b)
    {
        ulong d = (a.L0 ^ b.L0) | (a.L1 ^ b.L1) | (a.L2 ^ b.L2) | (a.L3 ^ b.L3) | (a.L4 ^ b.L4) | (a.L5 ^ b.L5);
        return (ulong)((long)((d | (0 - d)) >> 63) - 1);
    }

    /// <summary>Returns <paramref name="b"/> when mask is all-ones, <paramref name="a"/> when it is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp Select(in Fp a, in Fp b, ulong mask) => new(
        a.L0 ^ (mask & (a.L0 ^ b.L0)), a.L1 ^ (mask & (a.L1 ^ b.L1)), a.L2 ^ (mask & (a.L2 ^ b.L2)),
        a.L3 ^ (mask & (a.L3 ^ b.L3)), a.L4 ^ (mask & (a.L4 ^ b.L4)), a.L5 ^ (mask & (a.L5 ^ b.L5)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddC(ulong a, ulong b, ref ulong carry)
    {
        ulong s = a + b + carry;
        carry = ((a & b) | ((a | b) & ~s)) >> 63;
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubB(ulong a, ulong b, ref ulong borrow)
    {
        ulong d = a - b - borrow;
        borrow = ((~a & b) | (~(a ^ b) & d)) >> 63;
        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MAdd(ulong a, ulong b, ulong c, ulong d, out ulong lo)
    {
        ulong hi, l;
        if (Bmi2.X64.IsSupported)
        {
            // High half from MULX, low half from a plain multiply: no memory round trip for the low word.
            hi = Bmi2.X64.MultiplyNoFlags(a, b);
            l = a * b;
        }
        else
        {
            hi = Math.BigMul(a, b, out l);
        }

        l += c;
        hi += l < c ? 1UL : 0UL;
        l += d;
        hi += l < d ? 1UL : 0UL;
        lo = l;
        return hi;
    }

    /// <summary>
    /// The high word of a * b. In a Montgomery step m = t0 * (-p^-1), so the low word of m * P0 is -t0 and adding
    /// t0 carries exactly when t0 != 0: the step's carry is MulHigh(m, P0) + (t0 != 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulHigh(ulong a, ulong b) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);

    /// <summary>Subtracts p once when the value is at least p (input below 2p), branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Fp Reduce(ulong t0, ulong t1, ulong t2, ulong t3, ulong t4, ulong t5)
    {
        ulong b = 0;
        ulong s0 = SubB(t0, P0, ref b), s1 = SubB(t1, P1, ref b), s2 = SubB(t2, P2, ref b);
        ulong s3 = SubB(t3, P3, ref b), s4 = SubB(t4, P4, ref b), s5 = SubB(t5, P5, ref b);
        ulong keep = 0 - b; // all-ones when t < p: keep t
        return new Fp(
            s0 ^ (keep & (s0 ^ t0)), s1 ^ (keep & (s1 ^ t1)), s2 ^ (keep & (s2 ^ t2)),
            s3 ^ (keep & (s3 ^ t3)), s4 ^ (keep & (s4 ^ t4)), s5 ^ (keep & (s5 ^ t5)));
    }

    public static unsafe Fp Add(in Fp a, in Fp b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.FpAdd, a, b);
        }

        return AddManaged(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Fp AddManaged(in Fp a, in Fp b)
    {
        ulong c = 0;
        ulong t0 = AddC(a.L0, b.L0, ref c), t1 = AddC(a.L1, b.L1, ref c), t2 = AddC(a.L2, b.L2, ref c);
        ulong t3 = AddC(a.L3, b.L3, ref c), t4 = AddC(a.L4, b.L4, ref c), t5 = AddC(a.L5, b.L5, ref c);
        return Reduce(t0, t1, t2, t3, t4, t5);
    }

    /// <summary>
    /// a + b without the final subtraction, for inputs below p: the result is below 2p &lt; 2^382 (no carry out of
    /// the top limb). Only valid as an input of <see cref="Mul"/> or <see cref="Square"/>, which accept operands
    /// below 2p: then ab &lt; 4p^2 &lt; pR (4p &lt; R = 2^384), so (ab + mp)/R &lt; 2p and one final subtraction
    /// still gives a fully reduced product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Fp AddUnreduced(in Fp a, in Fp b)
    {
        ulong c = 0;
        ulong t0 = AddC(a.L0, b.L0, ref c), t1 = AddC(a.L1, b.L1, ref c), t2 = AddC(a.L2, b.L2, ref c);
        ulong t3 = AddC(a.L3, b.L3, ref c), t4 = AddC(a.L4, b.L4, ref c);
        return new Fp(t0, t1, t2, t3, t4, a.L5 + b.L5 + c);
    }

    public static Fp Double(in Fp a) => Add(a, a);

    public static unsafe Fp Sub(in Fp a, in Fp b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.FpSub, a, b);
        }

        return SubManaged(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Fp SubManaged(in Fp a, in Fp b)
    {
        ulong br = 0;
        ulong t0 = SubB(a.L0, b.L0, ref br), t1 = SubB(a.L1, b.L1, ref br), t2 = SubB(a.L2, b.L2, ref br);
        ulong t3 = SubB(a.L3, b.L3, ref br), t4 = SubB(a.L4, b.L4, ref br), t5 = SubB(a.L5, b.L5, ref br);
        ulong m = 0 - br; // add p back when the subtraction borrowed
        ulong c = 0;
        t0 = AddC(t0, P0 & m, ref c); t1 = AddC(t1, P1 & m, ref c); t2 = AddC(t2, P2 & m, ref c);
        t3 = AddC(t3, P3 & m, ref c); t4 = AddC(t4, P4 & m, ref c); t5 = AddC(t5, P5 & m, ref c);
        return new Fp(t0, t1, t2, t3, t4, t5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp Neg(in Fp a)
    {
        ulong br = 0;
        ulong t0 = SubB(P0, a.L0, ref br), t1 = SubB(P1, a.L1, ref br), t2 = SubB(P2, a.L2, ref br);
        ulong t3 = SubB(P3, a.L3, ref br), t4 = SubB(P4, a.L4, ref br), t5 = SubB(P5, a.L5, ref br);
        ulong nz = a.L0 | a.L1 | a.L2 | a.L3 | a.L4 | a.L5;
        ulong m = (ulong)((long)((nz | (0 - nz)) >> 63) * -1); // all-ones unless a == 0
        return new Fp(t0 & m, t1 & m, t2 & m, t3 & m, t4 & m, t5 & m);
    }

    /// <summary>Montgomery product a * b / R mod p (generated kernel when enabled, else managed).</summary>
    public static unsafe Fp Mul(in Fp a, in Fp b)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Binary(FieldKernels.FpMul, a, b);
        }

        return MulManaged(a, b);
    }

    /// <summary>Montgomery square a^2 / R mod p (generated kernel when enabled, else managed).</summary>
    public static unsafe Fp Square(in Fp a)
    {
        if (FieldKernels.Enabled)
        {
            return KernelCall.Unary(FieldKernels.FpSquare, a);
        }

        return SquareManaged(a);
    }

    /// <summary>Montgomery product a * b / R mod p in managed code.</summary>
    internal static Fp MulManaged(in Fp a, in Fp b)
    {
        ulong t0, t1, t2, t3, t4, t5, A, C, m, bi;
        bi = b.L0;
        A = Math.BigMul(a.L0, bi, out t0);
        m = t0 * Inv;
        C = MulHigh(m, P0) + (t0 != 0 ? 1UL : 0UL);
        A = MAdd(a.L1, bi, A, 0, out t1);
        C = MAdd(m, P1, t1, C, out t0);
        A = MAdd(a.L2, bi, A, 0, out t2);
        C = MAdd(m, P2, t2, C, out t1);
        A = MAdd(a.L3, bi, A, 0, out t3);
        C = MAdd(m, P3, t3, C, out t2);
        A = MAdd(a.L4, bi, A, 0, out t4);
        C = MAdd(m, P4, t4, C, out t3);
        A = MAdd(a.L5, bi, A, 0, out t5);
        C = MAdd(m, P5, t5, C, out t4);
        t5 = C + A;
        bi = b.L1;
        A = MAdd(a.L0, bi, t0, 0, out t0);
        m = t0 * Inv;
        C = MulHigh(m, P0) + (t0 != 0 ? 1UL : 0UL);
        A = MAdd(a.L1, bi, t1, A, out t1);
        C = MAdd(m, P1, t1, C, out t0);
        A = MAdd(a.L2, bi, t2, A, out t2);
        C = MAdd(m, P2, t2, C, out t1);
        A = MAdd(a.L3, bi, t3, A, out t3);
        C = MAdd(m, P3, t3, C, out t2);
        A = MAdd(a.L4, bi, t4, A, out t4);
        C = MAdd(m, P4, t4, C, out t3);
        A = MAdd(a.L5, bi, t5, A, out t5);
        C = MAdd(m, P5, t5, C, out t4);
        t5 = C + A;
        bi = b.L2;
        A = MAdd(a.L0, bi, t0, 0, out t0);
        m = t0 * Inv;
        C = MulHigh(m, P0) + (t0 != 0 ? 1UL : 0UL);
        A = MAdd(a.L1, bi, t1, A, out t1);
        C = MAdd(m, P1, t1, C, out t0);
        A = MAdd(a.L2, bi, t2, A, out t2);
        C = MAdd(m, P2, t2, C, out t1);
        A = MAdd(a.L3, bi, t3, A, out t3);
        C = MAdd(m, P3, t3, C, out t2);
        A = MAdd(a.L4, bi, t4, A, out t4);
        C = MAdd(m, P4, t4, C, out t3);
        A = MAdd(a.L5, bi, t5, A, out t5);
        C = MAdd(m, P5, t5, C, out t4);
        t5 = C + A;
        bi = b.L3;
        A = MAdd(a.L0, bi, t0, 0, out t0);
        m = t0 * Inv;
        C = MulHigh(m, P0) + (t0 != 0 ? 1UL : 0UL);
        A = MAdd(a.L1, bi, t1, A, out t1);
        C = MAdd(m, P1, t1, C, out t0);
        A = MAdd(a.L2, bi, t2, A, out t2);
        C = MAdd(m, P2, t2, C, out t1);
        A = MAdd(a.L3, bi, t3, A, out t3);
        C = MAdd(m, P3, t3, C, out t2);
        A = MAdd(a.L4, bi, t4, A, out t4);
        C = MAdd(m, P4, t4, C, out t3);
        A = MAdd(a.L5, bi, t5, A, out t5);
        C = MAdd(m, P5, t5, C, out t4);
        t5 = C + A;
        bi = b.L4;
        A = MAdd(a.L0, bi, t0, 0, out t0);
        m = t0 * Inv;
        C = MulHigh(m, P0) + (t0 != 0 ? 1UL : 0UL);
        A = MAdd(a.L1, bi, t1, A, out t1);
        C = MAdd(m, P1, t1, C, out t0);
        A = MAdd(a.L2, bi, t2, A, out t2);
        C = MAdd(m, P2, t2, C, out t1);
        A = MAdd(a.L3, bi, t3, A, out t3);
        C = MAdd(m, P3, t3, C, out t2);
        A = MAdd(a.L4, bi, t4, A, out t4);
        C = MAdd(m, P4, t4, C, out t3);
        A = MAdd(a.L5, bi, t5, A, out t5);
        C = MAdd(m, P5, t5, C, out t4);
        t5 = C + A;
        bi = b.L5;
        A = MAdd(a.L0, bi, t0, 0, out t0);
        m = t0 * Inv;
        C = MulHigh(m, P0) + (t0 != 0 ? 1UL : 0UL);
        A = MAdd(a.L1, bi, t1, A, out t1);
        C = MAdd(m, P1, t1, C, out t0);
        A = MAdd(a.L2, bi, t2, A, out t2);
        C = MAdd(m, P2, t2, C, out t1);
        A = MAdd(a.L3, bi, t3, A, out t3);
        C = MAdd(m, P3, t3, C, out t2);
        A = MAdd(a.L4, bi, t4, A, out t4);
        C = MAdd(m, P4, t4, C, out t3);
        A = MAdd(a.L5, bi, t5, A, out t5);
        C = MAdd(m, P5, t5, C, out t4);
        t5 = C + A;
        return Reduce(t0, t1, t2, t3, t4, t5);
    }

    /// <summary>Montgomery square in managed code: 15 cross products doubled, 6 diagonal products, then 36-product reduction.</summary>
    internal static Fp SquareManaged(in Fp a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4, a5 = a.L5;
        ulong r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0, r7 = 0, r8 = 0, r9 = 0, r10 = 0, r11 = 0, c, c2, m;
        c = 0;
        c = MAdd(a0, a1, r1, c, out r1);
        c = MAdd(a0, a2, r2, c, out r2);
        c = MAdd(a0, a3, r3, c, out r3);
        c = MAdd(a0, a4, r4, c, out r4);
        c = MAdd(a0, a5, r5, c, out r5);
        r6 = c;
        c = 0;
        c = MAdd(a1, a2, r3, c, out r3);
        c = MAdd(a1, a3, r4, c, out r4);
        c = MAdd(a1, a4, r5, c, out r5);
        c = MAdd(a1, a5, r6, c, out r6);
        r7 = c;
        c = 0;
        c = MAdd(a2, a3, r5, c, out r5);
        c = MAdd(a2, a4, r6, c, out r6);
        c = MAdd(a2, a5, r7, c, out r7);
        r8 = c;
        c = 0;
        c = MAdd(a3, a4, r7, c, out r7);
        c = MAdd(a3, a5, r8, c, out r8);
        r9 = c;
        c = 0;
        c = MAdd(a4, a5, r9, c, out r9);
        r10 = c;
        r11 = r10 >> 63;
        r10 = (r10 << 1) | (r9 >> 63);
        r9 = (r9 << 1) | (r8 >> 63);
        r8 = (r8 << 1) | (r7 >> 63);
        r7 = (r7 << 1) | (r6 >> 63);
        r6 = (r6 << 1) | (r5 >> 63);
        r5 = (r5 << 1) | (r4 >> 63);
        r4 = (r4 << 1) | (r3 >> 63);
        r3 = (r3 << 1) | (r2 >> 63);
        r2 = (r2 << 1) | (r1 >> 63);
        r1 = (r1 << 1) | (r0 >> 63);
        r0 = 0;
        c = 0;
        c2 = MAdd(a0, a0, r0, c, out r0);
        r1 += c2;
        c = r1 < c2 ? 1UL : 0UL;
        c2 = MAdd(a1, a1, r2, c, out r2);
        r3 += c2;
        c = r3 < c2 ? 1UL : 0UL;
        c2 = MAdd(a2, a2, r4, c, out r4);
        r5 += c2;
        c = r5 < c2 ? 1UL : 0UL;
        c2 = MAdd(a3, a3, r6, c, out r6);
        r7 += c2;
        c = r7 < c2 ? 1UL : 0UL;
        c2 = MAdd(a4, a4, r8, c, out r8);
        r9 += c2;
        c = r9 < c2 ? 1UL : 0UL;
        c2 = MAdd(a5, a5, r10, c, out r10);
        r11 += c2;
        c = r11 < c2 ? 1UL : 0UL;
        ulong extra = 0;
        m = r0 * Inv;
        c = MulHigh(m, P0) + (r0 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, r1, c, out r1);
        c = MAdd(m, P2, r2, c, out r2);
        c = MAdd(m, P3, r3, c, out r3);
        c = MAdd(m, P4, r4, c, out r4);
        c = MAdd(m, P5, r5, c, out r5);
        c2 = 0;
        r6 = AddC(r6, c, ref c2);
        { ulong e2 = 0; r6 = AddC(r6, extra, ref e2); extra = c2 + e2; }
        m = r1 * Inv;
        c = MulHigh(m, P0) + (r1 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, r2, c, out r2);
        c = MAdd(m, P2, r3, c, out r3);
        c = MAdd(m, P3, r4, c, out r4);
        c = MAdd(m, P4, r5, c, out r5);
        c = MAdd(m, P5, r6, c, out r6);
        c2 = 0;
        r7 = AddC(r7, c, ref c2);
        { ulong e2 = 0; r7 = AddC(r7, extra, ref e2); extra = c2 + e2; }
        m = r2 * Inv;
        c = MulHigh(m, P0) + (r2 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, r3, c, out r3);
        c = MAdd(m, P2, r4, c, out r4);
        c = MAdd(m, P3, r5, c, out r5);
        c = MAdd(m, P4, r6, c, out r6);
        c = MAdd(m, P5, r7, c, out r7);
        c2 = 0;
        r8 = AddC(r8, c, ref c2);
        { ulong e2 = 0; r8 = AddC(r8, extra, ref e2); extra = c2 + e2; }
        m = r3 * Inv;
        c = MulHigh(m, P0) + (r3 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, r4, c, out r4);
        c = MAdd(m, P2, r5, c, out r5);
        c = MAdd(m, P3, r6, c, out r6);
        c = MAdd(m, P4, r7, c, out r7);
        c = MAdd(m, P5, r8, c, out r8);
        c2 = 0;
        r9 = AddC(r9, c, ref c2);
        { ulong e2 = 0; r9 = AddC(r9, extra, ref e2); extra = c2 + e2; }
        m = r4 * Inv;
        c = MulHigh(m, P0) + (r4 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, r5, c, out r5);
        c = MAdd(m, P2, r6, c, out r6);
        c = MAdd(m, P3, r7, c, out r7);
        c = MAdd(m, P4, r8, c, out r8);
        c = MAdd(m, P5, r9, c, out r9);
        c2 = 0;
        r10 = AddC(r10, c, ref c2);
        { ulong e2 = 0; r10 = AddC(r10, extra, ref e2); extra = c2 + e2; }
        m = r5 * Inv;
        c = MulHigh(m, P0) + (r5 != 0 ? 1UL : 0UL);
        c = MAdd(m, P1, r6, c, out r6);
        c = MAdd(m, P2, r7, c, out r7);
        c = MAdd(m, P3, r8, c, out r8);
        c = MAdd(m, P4, r9, c, out r9);
        c = MAdd(m, P5, r10, c, out r10);
        c2 = 0;
        r11 = AddC(r11, c, ref c2);
        { ulong e2 = 0; r11 = AddC(r11, extra, ref e2); extra = c2 + e2; }
        return Reduce(r6, r7, r8, r9, r10, r11);
    }

    static Fp IFieldElement<Fp>.InversePublic(in Fp a) => InversePublic(a);

    public static Fp operator +(in Fp a, in Fp b) => Add(a, b);

    public static Fp operator -(in Fp a, in Fp b) => Sub(a, b);

    public static Fp operator -(in Fp a) => Neg(a);

    public static Fp operator *(in Fp a, in Fp b) => Mul(a, b);
}
