// Design note: arithmetic modulo the group order r for secret keys, 4 little-endian 64-bit limbs. Only what
// KeyGen and key parsing need: a range check and the reduction of a 384-bit HKDF output mod r, both branch-free
// (fixed loop counts, masked conditional subtraction, Montgomery multiplication with R = 2^256).
using System.Buffers.Binary;
using System.Numerics;

namespace Marketplace.Crypto.Bls;

/// <summary>Constant-time helpers for scalars modulo r.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers here are always written before use
internal static class Scalar
{
    internal static readonly BigInteger Order = BigInteger.Parse(
        "073eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", System.Globalization.NumberStyles.HexNumber);

    private static readonly ulong[] R = [0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805, 0x73eda753299d7d48];

    private static readonly ulong Inv = (ulong)((BigInteger.One << 64) - ModInverse(R[0]));

    /// <summary>2^512 mod r, so that MontMul(x, R2) = x 2^256 mod r.</summary>
    private static readonly ulong[] R2 = ToLimbs(BigInteger.ModPow(2, 512, Order));

    /// <summary>Reads 32 big-endian bytes; returns an all-ones mask when 0 &lt; value &lt; r.</summary>
    internal static ulong ReadBigEndian(ReadOnlySpan<byte> bytes, Span<ulong> limbs)
    {
        for (int i = 0; i < 4; i++)
        {
            limbs[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes[(24 - 8 * i)..]);
        }

        ulong borrow = SubtractInto(limbs, R, stackalloc ulong[4]);
        ulong nonZero = limbs[0] | limbs[1] | limbs[2] | limbs[3];
        ulong nz = (nonZero | (0 - nonZero)) >> 63;
        return (0 - borrow) & (0 - nz);
    }

    internal static void WriteBigEndian(ReadOnlySpan<ulong> limbs, Span<byte> bytes)
    {
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes[(24 - 8 * i)..], limbs[i]);
        }
    }

    /// <summary>OS2IP(48 bytes) mod r, constant time.</summary>
    internal static void ReduceWide(ReadOnlySpan<byte> bytes48, Span<ulong> result)
    {
        Span<ulong> hi = stackalloc ulong[4];
        Span<ulong> lo = stackalloc ulong[4];
        hi[0] = BinaryPrimitives.ReadUInt64BigEndian(bytes48[8..]);
        hi[1] = BinaryPrimitives.ReadUInt64BigEndian(bytes48[0..]);
        hi[2] = 0;
        hi[3] = 0;
        for (int i = 0; i < 4; i++)
        {
            lo[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes48[(40 - 8 * i)..]);
        }

        // lo < 2^256 < 3r: two masked subtractions bring it below r.
        ConditionalSubtract(lo);
        ConditionalSubtract(lo);
        Span<ulong> hiShifted = stackalloc ulong[4];
        MontMul(hi, R2, hiShifted); // hi 2^256 mod r
        ulong carry = 0;
        for (int i = 0; i < 4; i++)
        {
            UInt128 s = (UInt128)lo[i] + hiShifted[i] + carry;
            result[i] = (ulong)s;
            carry = (ulong)(s >> 64);
        }

        ConditionalSubtract(result); // sum < 2r
        hi.Clear();
        lo.Clear();
        hiShifted.Clear();
    }

    private static void ConditionalSubtract(Span<ulong> x)
    {
        Span<ulong> d = stackalloc ulong[4];
        ulong borrow = SubtractInto(x, R, d);
        ulong keep = 0 - borrow;
        for (int i = 0; i < 4; i++)
        {
            x[i] = d[i] ^ (keep & (d[i] ^ x[i]));
        }
    }

    private static ulong SubtractInto(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d)
    {
        ulong borrow = 0;
        for (int i = 0; i < 4; i++)
        {
            ulong ai = a[i], bi = b[i];
            ulong r = ai - bi - borrow;
            borrow = ((~ai & bi) | (~(ai ^ bi) & r)) >> 63;
            d[i] = r;
        }

        return borrow;
    }

    /// <summary>a b 2^-256 mod r for a, b &lt; r (CIOS, fixed loop counts).</summary>
    private static void MontMul(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> result)
    {
        Span<ulong> t = stackalloc ulong[6];
        t.Clear();
        for (int i = 0; i < 4; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < 4; j++)
            {
                UInt128 s = (UInt128)a[j] * b[i] + t[j] + carry;
                t[j] = (ulong)s;
                carry = (ulong)(s >> 64);
            }

            UInt128 s4 = (UInt128)t[4] + carry;
            t[4] = (ulong)s4;
            t[5] = (ulong)(s4 >> 64);
            ulong m = t[0] * Inv;
            UInt128 u = (UInt128)m * R[0] + t[0];
            carry = (ulong)(u >> 64);
            for (int j = 1; j < 4; j++)
            {
                u = (UInt128)m * R[j] + t[j] + carry;
                t[j - 1] = (ulong)u;
                carry = (ulong)(u >> 64);
            }

            u = (UInt128)t[4] + carry;
            t[3] = (ulong)u;
            t[4] = t[5] + (ulong)(u >> 64);
        }

        t[..4].CopyTo(result);
        ConditionalSubtract(result);
    }

    private static BigInteger ModInverse(ulong v)
    {
        var m = BigInteger.One << 64;
        return BigInteger.ModPow(v, (BigInteger.One << 63) - 1, m); // odd v: v^(2^63 - 1) = v^-1 mod 2^64
    }

    private static ulong[] ToLimbs(BigInteger v)
    {
        var l = new ulong[4];
        for (int i = 0; i < 4; i++)
        {
            l[i] = (ulong)(v & ulong.MaxValue);
            v >>= 64;
        }

        return l;
    }
}
