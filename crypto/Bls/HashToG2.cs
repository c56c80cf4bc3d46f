// Design note: hash_to_curve for G2, suite BLS12381G2_XMD:SHA-256_SSWU_RO_ (RFC 9380 section 8.8.2):
// expand_message_xmd(SHA-256) -> 256 bytes -> two Fp2 elements (each Fp from 64 bytes reduced mod p) -> simplified
// SWU on the 3-isogenous curve E2'': y^2 = x^3 + 240u x + 1012(1+u), Z = -(2+u) -> 3-isogeny to E' -> Q0 + Q1
// -> clear_cofactor with the psi method (RFC 9380 appendix G.3). Messages are public, so the map may branch on
// is_square; no secret ever reaches this code.
using System.Security.Cryptography;
using G2Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp2>;

namespace Marketplace.Crypto.Bls;

/// <summary>RFC 9380 hash_to_curve for G2.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers here are always written before use
internal static class HashToG2
{
    private static readonly Fp2 SwuA = new(Fp.Zero, Fp.FromBigInteger(240));
    private static readonly Fp2 SwuB = new(Fp.FromBigInteger(1012), Fp.FromBigInteger(1012));
    private static readonly Fp2 SwuZ = new(Fp.FromBigInteger(-2), Fp.FromBigInteger(-1));
    private static readonly Fp2 MinusBOverA = -(SwuB * Fp2.Inverse(SwuA));
    private static readonly Fp2 BOverZA = SwuB * Fp2.Inverse(SwuZ * SwuA);

    // N(Z) = 5 is not a square in Fp (Z is not a square in Fp2), so -N(Z) is: SqrtMinusNormZ^2 = -5.
    private static readonly Fp NormZ = Fp2.Norm(SwuZ);
    private static readonly Fp SqrtMinusNormZ = Fp.TrySqrt(-NormZ, out var c) ? c : throw new InvalidOperationException("-N(Z) must be a square");

    // Montgomery forms of 2^384 and 2^192, used to reduce 512-bit strings: v = A 2^384 + B1 2^192 + B0.
    private static readonly Fp R3 = Fp.FromBigInteger(System.Numerics.BigInteger.ModPow(2, 384 * 2, Fp.Modulus));
    private static readonly Fp R2Shift192 = Fp.FromBigInteger(System.Numerics.BigInteger.ModPow(2, 384 + 192, Fp.Modulus));

    private static readonly Fp2[] XNum =
    [
        Pair("5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6",
             "5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6"),
        Pair("0",
             "11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71a"),
        Pair("11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71e",
             "8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38d"),
        Pair("171d6541fa38ccfaed6dea691f5fb614cb14b4e7f4e810aa22d6108f142b85757098e38d0f671c7188e2aaaaaaaa5ed1", "0"),
    ];

    private static readonly Fp2[] XDen =
    [
        Pair("0", "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa63"),
        Pair("c", "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa9f"),
        Pair("1", "0"),
    ];

    private static readonly Fp2[] YNum =
    [
        Pair("1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706",
             "1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706"),
        Pair("0",
             "5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97be"),
        Pair("11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71c",
             "8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38f"),
        Pair("124c9ad43b6cf79bfbf7043de3811ad0761b0f37a1e26286b0e977c69aa274524e79097a56dc4bd9e1b371c71c718b10", "0"),
    ];

    private static readonly Fp2[] YDen =
    [
        Pair("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb",
             "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb"),
        Pair("0", "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa9d3"),
        Pair("12", "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa99"),
        Pair("1", "0"),
    ];

    /// <summary>hash_to_curve(msg) with the given domain separation tag.</summary>
    internal static G2Point Hash(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        Span<byte> uniform = stackalloc byte[256];
        ExpandMessageXmd(message, dst, uniform);
        var u0 = new Fp2(ReduceWide(uniform[..64]), ReduceWide(uniform[64..128]));
        var u1 = new Fp2(ReduceWide(uniform[128..192]), ReduceWide(uniform[192..]));
        // One inversion for both SWU denominators (Montgomery's trick); a zero denominator takes the exceptional
        // branch of the map and never uses its inverse.
        Fp2 den0 = SwuDenominator(u0, out var zu0), den1 = SwuDenominator(u1, out var zu1);
        Fp2 inverse = Fp2.InversePublic(den0 * den1);
        Fp2 inverse0 = inverse * den1, inverse1 = inverse * den0;
        if (den0.IsZero || den1.IsZero)
        {
            inverse0 = Fp2.InversePublic(den0);
            inverse1 = Fp2.InversePublic(den1);
        }

        var q = G2Point.Add(MapToCurve(u0, zu0, den0, inverse0), MapToCurve(u1, zu1, den1, inverse1));
        return ClearCofactor(q);
    }

    /// <summary>expand_message_xmd with SHA-256 (RFC 9380 section 5.3.1); DSTs over 255 bytes are pre-hashed.</summary>
    internal static void ExpandMessageXmd(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output)
    {
        if (dst.Length > 255)
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            h.AppendData("H2C-OVERSIZE-DST-"u8);
            h.AppendData(dst);
            dst = h.GetHashAndReset();
        }

        int ell = (output.Length + 31) / 32;
        if (ell > 255 || output.Length > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(output), "expand_message_xmd output too long");
        }

        Span<byte> lengthAndDst = stackalloc byte[dst.Length + 1];
        dst.CopyTo(lengthAndDst);
        lengthAndDst[^1] = (byte)dst.Length;

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        sha.AppendData(zeros);
        sha.AppendData(message);
        Span<byte> tail = [(byte)(output.Length >> 8), (byte)output.Length, 0];
        sha.AppendData(tail);
        sha.AppendData(lengthAndDst);
        Span<byte> b0 = stackalloc byte[32];
        sha.GetHashAndReset(b0);

        Span<byte> bi = stackalloc byte[32];
        Span<byte> mixed = stackalloc byte[32];
        Span<byte> counter = stackalloc byte[1];
        b0.CopyTo(mixed);
        for (int i = 1; i <= ell; i++)
        {
            if (i > 1)
            {
                for (int k = 0; k < 32; k++)
                {
                    mixed[k] = (byte)(b0[k] ^ bi[k]);
                }
            }

            sha.AppendData(mixed);
            counter[0] = (byte)i;
            sha.AppendData(counter);
            sha.AppendData(lengthAndDst);
            sha.GetHashAndReset(bi);
            int offset = (i - 1) * 32;
            bi[..Math.Min(32, output.Length - offset)].CopyTo(output[offset..]);
        }
    }

    /// <summary>A 64-byte big-endian integer reduced mod p, in Montgomery form.</summary>
    internal static Fp ReduceWide(ReadOnlySpan<byte> bytes)
    {
        Span<byte> part = stackalloc byte[48];
        part.Clear();
        bytes[..16].CopyTo(part[32..]);
        var a = Fp.ReadRawBigEndian(part);
        part.Clear();
        bytes[16..40].CopyTo(part[24..]);
        var b1 = Fp.ReadRawBigEndian(part);
        part.Clear();
        bytes[40..].CopyTo(part[24..]);
        var b0 = Fp.ReadRawBigEndian(part);
        return Fp.Mul(a, R3) + Fp.Mul(b1, R2Shift192) + Fp.FromRawReduced(b0);
    }

    /// <summary>Simplified SWU onto E2'' followed by the 3-isogeny to E', in projective form.</summary>
    internal static G2Point MapToCurve(in Fp2 u)
    {
        Fp2 den = SwuDenominator(u, out var zu2);
        return MapToCurve(u, zu2, den, Fp2.InversePublic(den));
    }

    /// <summary>Z^2 u^4 + Z u^2, the denominator of the SWU x1 (zu2 = Z u^2).</summary>
    private static Fp2 SwuDenominator(in Fp2 u, out Fp2 zu2)
    {
        zu2 = SwuZ * Fp2.Square(u);
        return Fp2.Square(zu2) + zu2;
    }

    /// <summary>The map with the denominator and its inverse already computed.</summary>
    private static G2Point MapToCurve(in Fp2 u, in Fp2 zu2, in Fp2 den, in Fp2 denInverse)
    {
        Fp2 x1 = den.IsZero ? BOverZA : MinusBOverA * (Fp2.One + denInverse);
        Fp2 gx1 = (Fp2.Square(x1) + SwuA) * x1 + SwuB;
        Fp2 x, y;
        Fp n1 = Fp2.Norm(gx1);
        Fp s = Fp.Pow(n1, Fp.PPlus1Over4);
        if (Fp.Equal(Fp.Square(s), n1))
        {
            // gx1 is a square (its norm is).
            x = x1;
            y = SqrtOf(gx1, s);
        }
        else
        {
            // gx2 = Z^3 u^6 gx1 is then a square; s^2 = -N(gx1), so a root of N(gx2) = N(Z)^3 N(u)^6 N(gx1) is
            // N(Z) N(u)^3 sqrt(-N(Z)) s, with no second exponentiation.
            x = zu2 * x1;
            Fp2 gx2 = (Fp2.Square(x) + SwuA) * x + SwuB;
            Fp nu = Fp2.Norm(u);
            Fp s2 = NormZ * nu * nu * nu * SqrtMinusNormZ * s;
            y = SqrtOf(gx2, s2);
        }

        if (u.Sgn0() != y.Sgn0())
        {
            y = -y;
        }

        // 3-isogeny: x = xNum/xDen, y = y' yNum/yDen; homogeneous (xNum yDen : y' yNum xDen : xDen yDen).
        Fp2 xn = Horner(XNum, x), xd = Horner(XDen, x), yn = Horner(YNum, x), yd = Horner(YDen, x);
        return new G2Point(xn * yd, y * yn * xd, xd * yd);
    }

    /// <summary>h_eff P = [x^2 - x - 1] P + [x - 1] psi(P) + psi^2(2P) (RFC 9380 appendix G.3).</summary>
    internal static G2Point ClearCofactor(in G2Point p)
    {
        var t1 = G2.MulByX(p);
        var t2 = G2.Psi(p);
        var t3 = G2.Psi(G2.Psi(G2Point.Double(p)));
        t3 = G2Point.Sub(t3, t2);
        t2 = G2.MulByX(G2Point.Add(t1, t2));
        t3 = G2Point.Add(t3, t2);
        t3 = G2Point.Sub(t3, t1);
        return G2Point.Sub(t3, p);
    }

    /// <summary>The square root of a known square given a root of its norm (generic path when a1 = 0).</summary>
    private static Fp2 SqrtOf(in Fp2 a, in Fp normRoot)
    {
        bool ok = a.C1.IsZero ? Fp2.TrySqrt(a, out var root) : Fp2.TrySqrtWithNormRoot(a, normRoot, out root);
        return ok ? root : throw new InvalidOperationException("hash_to_curve: expected a square (internal error)");
    }

    private static Fp2 Horner(Fp2[] coefficients, in Fp2 x)
    {
        Fp2 acc = coefficients[^1];
        for (int i = coefficients.Length - 2; i >= 0; i--)
        {
            acc = acc * x + coefficients[i];
        }

        return acc;
    }

    private static Fp2 Pair(string c0, string c1) => new(Fp.FromHex(c0), Fp.FromHex(c1));
}
