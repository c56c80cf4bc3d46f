using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Bls;

/// <summary>Exponentiation, inversion, square roots and conversions of <see cref="Fp"/>.</summary>
internal readonly partial struct Fp
{
    /// <summary>
    /// a^e for a public exponent (generated kernel when enabled): sliding windows of up to 5 bits over the odd powers
    /// a, a^3, ..., a^31. The sequence of squarings and multiplications depends only on e (always a public constant
    /// here), never on a, so this stays constant time in a.
    /// </summary>
    internal static unsafe Fp Pow(in Fp a, FpExponent e)
    {
        if (FieldKernels.Enabled && e.Steps > 0)
        {
            Unsafe.SkipInit(out Fp r);
            fixed (Fp* pa = &a)
            fixed (ulong* schedule = e.Schedule)
            {
                FieldKernels.FpPow(&r, pa, schedule, (ulong)e.Steps);
            }

            return r;
        }

        return PowManaged(a, e.Limbs);
    }

    /// <summary>a^e in managed code for a public exponent (sliding windows, as described above).</summary>
    internal static Fp PowManaged(in Fp a, ReadOnlySpan<ulong> e)
    {
        Span<Fp> odd = stackalloc Fp[16];
        odd[0] = a;
        Fp a2 = Square(a);
        for (int i = 1; i < 16; i++)
        {
            odd[i] = Mul(odd[i - 1], a2);
        }

        int bit = e.Length * 64 - 1;
        while (bit >= 0 && ExponentBit(e, bit) == 0)
        {
            bit--;
        }

        Fp r = One;
        bool started = false;
        while (bit >= 0)
        {
            if (ExponentBit(e, bit) == 0)
            {
                r = Square(r);
                bit--;
                continue;
            }

            int low = Math.Max(bit - 4, 0);
            while (ExponentBit(e, low) == 0)
            {
                low++;
            }

            int w = 0;
            for (int j = bit; j >= low; j--)
            {
                w = (w << 1) | ExponentBit(e, j);
                if (started)
                {
                    r = Square(r);
                }
            }

            r = started ? Mul(r, odd[w >> 1]) : odd[w >> 1];
            started = true;
            bit = low - 1;
        }

        return r;
    }

    private static int ExponentBit(ReadOnlySpan<ulong> e, int bit) => (int)((e[bit >> 6] >> (bit & 63)) & 1);

    /// <summary>1/a by Fermat's little theorem (the exponent is public, so the time does not depend on a); 0 maps to 0.</summary>
    public static Fp Inverse(in Fp a) => Pow(a, PMinus2);

    /// <summary>Square root when a is a square (p = 3 mod 4, so a^((p+1)/4)); false when a is not a square.</summary>
    internal static bool TrySqrt(in Fp a, out Fp root)
    {
        root = Pow(a, PPlus1Over4);
        return Equal(Square(root), a);
    }

    public static Fp MulByCurveB3(in Fp a)
    {
        Fp a2 = Double(a);
        Fp a4 = Double(a2);
        Fp a8 = Double(a4);
        return Add(a8, a4);
    }

    /// <summary>The value out of Montgomery form (canonical, below p).</summary>
    internal Fp ToCanonical() => Mul(this, RawOne);

    /// <summary>sgn0 of RFC 9380 section 4.1: the parity of the canonical value.</summary>
    internal int Sgn0() => (int)(ToCanonical().L0 & 1);

    /// <summary>True when the canonical value exceeds (p-1)/2 (the Zcash "larger root" sign flag).</summary>
    internal bool IsLexLargest()
    {
        Fp c = ToCanonical();
        ulong b = 0;
        SubB(HalfLimbs[0], c.L0, ref b);
        SubB(HalfLimbs[1], c.L1, ref b);
        SubB(HalfLimbs[2], c.L2, ref b);
        SubB(HalfLimbs[3], c.L3, ref b);
        SubB(HalfLimbs[4], c.L4, ref b);
        SubB(HalfLimbs[5], c.L5, ref b);
        return b != 0;
    }

    /// <summary>Writes the canonical value as 48 big-endian bytes.</summary>
    internal void WriteBigEndian(Span<byte> destination)
    {
        Fp c = ToCanonical();
        BinaryPrimitives.WriteUInt64BigEndian(destination[0..], c.L5);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], c.L4);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], c.L3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], c.L2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[32..], c.L1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[40..], c.L0);
    }

    /// <summary>Reads 48 big-endian bytes; false when the value is not below p (non-canonical).</summary>
    internal static bool TryReadBigEndian(ReadOnlySpan<byte> source, out Fp value)
    {
        var raw = ReadRawBigEndian(source);
        ulong b = 0;
        SubB(raw.L0, P0, ref b);
        SubB(raw.L1, P1, ref b);
        SubB(raw.L2, P2, ref b);
        SubB(raw.L3, P3, ref b);
        SubB(raw.L4, P4, ref b);
        SubB(raw.L5, P5, ref b);
        value = Mul(raw, R2);
        return b != 0;
    }

    /// <summary>48 big-endian bytes as raw limbs, no reduction.</summary>
    internal static Fp ReadRawBigEndian(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadUInt64BigEndian(s[40..]), BinaryPrimitives.ReadUInt64BigEndian(s[32..]),
        BinaryPrimitives.ReadUInt64BigEndian(s[24..]), BinaryPrimitives.ReadUInt64BigEndian(s[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(s[8..]), BinaryPrimitives.ReadUInt64BigEndian(s[0..]));

    /// <summary>Enters Montgomery form from raw limbs that are already below p.</summary>
    internal static Fp FromRawReduced(in Fp raw) => Mul(raw, R2);

    /// <summary>Set-up and tests only: a (reduced) big integer into Montgomery form.</summary>
    internal static Fp FromBigInteger(BigInteger v)
    {
        v %= Modulus;
        if (v.Sign < 0)
        {
            v += Modulus;
        }

        return Mul(RawFromBigInteger(v), R2);
    }

    /// <summary>Set-up only: parses hexadecimal (with or without 0x) into Montgomery form.</summary>
    internal static Fp FromHex(string hex) => FromBigInteger(ParseHex(hex));

    internal static BigInteger ParseHex(string hex)
    {
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        return BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.HexNumber);
    }

    /// <summary>Tests only: the canonical value as a big integer.</summary>
    internal BigInteger ToBigInteger()
    {
        Span<byte> b = stackalloc byte[48];
        WriteBigEndian(b);
        return new BigInteger(b, isUnsigned: true, isBigEndian: true);
    }

    private static Fp RawFromBigInteger(BigInteger v)
    {
        var l = Limbs(v);
        return new Fp(l[0], l[1], l[2], l[3], l[4], l[5]);
    }

    /// <summary>Set-up only: a non-negative big integer below 2^384 as six little-endian limbs.</summary>
    internal static ulong[] Limbs(BigInteger v)
    {
        var result = new ulong[6];
        var mask = (BigInteger.One << 64) - 1;
        for (int i = 0; i < 6; i++)
        {
            result[i] = (ulong)(v & mask);
            v >>= 64;
        }

        return result;
    }

    public override string ToString() => "0x" + ToBigInteger().ToString("x");
}
