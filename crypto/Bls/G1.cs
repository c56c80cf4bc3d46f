// Design note: G1 = the order-r subgroup of E: y^2 = x^3 + 4 over Fp (public keys). Encoding is the Zcash
// compressed format (48 bytes, flags in the top three bits). Subgroup membership uses the GLV endomorphism
// phi(x, y) = (beta x, y): P is in G1 exactly when phi(P) = -x^2 P (Scott 2021); beta is chosen at start-up as the
// cube root of unity whose eigenvalue on G1 is -x^2, checked against the generator.
using G1Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp>;

namespace Marketplace.Crypto.Bls;

/// <summary>G1 constants, encoding and subgroup check.</summary>
internal static class G1
{
    internal const int CompressedSize = 48;

    /// <summary>|x| for the BLS parameter x = -0xd201000000010000.</summary>
    internal const ulong AbsX = 0xd201000000010000;

    internal static readonly Fp GeneratorX = Fp.FromHex(
        "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb");

    internal static readonly Fp GeneratorY = Fp.FromHex(
        "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1");

    internal static readonly G1Point Generator = G1Point.FromAffine(GeneratorX, GeneratorY);

    private static readonly Fp Four = Fp.FromBigInteger(4);

    private static readonly Fp Beta = ChooseBeta();

    /// <summary>phi(P) == -x^2 P.</summary>
    internal static bool IsInSubgroup(in G1Point p)
    {
        if (p.IsIdentity)
        {
            return true;
        }

        var phi = Phi(p);
        var x2p = JacobianPoint<Fp>.MulPublic(JacobianPoint<Fp>.MulPublic(p, AbsX), AbsX);
        return G1Point.Equal(phi, G1Point.Negate(x2p));
    }

    /// <summary>phi(x, y) = (beta x, y), multiplication by -x^2 on G1.</summary>
    internal static G1Point Phi(in G1Point p) => new(Fp.Mul(p.X, Beta), p.Y, p.Z);

    /// <summary>Compressed 48-byte encoding.</summary>
    internal static void Compress(in G1Point p, Span<byte> destination)
    {
        destination[..CompressedSize].Clear();
        if (p.IsIdentity)
        {
            destination[0] = 0xc0;
            return;
        }

        p.ToAffine(out var x, out var y);
        CompressAffine(x, y, destination);
    }

    /// <summary>Compressed encoding of a non-identity point given in affine coordinates.</summary>
    internal static void CompressAffine(in Fp x, in Fp y, Span<byte> destination)
    {
        x.WriteBigEndian(destination);
        destination[0] |= (byte)(0x80 | (y.IsLexLargest() ? 0x20 : 0));
    }

    /// <summary>
    /// Decodes a compressed point and checks that it is on the curve (not the subgroup); returns null on success or
    /// a description of what is wrong.
    /// </summary>
    internal static string? TryDecompress(ReadOnlySpan<byte> data, out G1Point point)
    {
        point = G1Point.Identity;
        if (data.Length != CompressedSize)
        {
            return $"a compressed G1 point is {CompressedSize} bytes, got {data.Length}";
        }

        byte flags = data[0];
        if ((flags & 0x80) == 0)
        {
            return "compression flag (0x80) not set; only compressed G1 points are accepted";
        }

        bool infinity = (flags & 0x40) != 0;
        bool sign = (flags & 0x20) != 0;
        if (infinity)
        {
            if (sign)
            {
                return "point at infinity with the sign flag set";
            }

            if ((flags & 0x1f) != 0 || data[1..].IndexOfAnyExcept((byte)0) >= 0)
            {
                return "point at infinity with non-zero coordinate bytes";
            }

            return null;
        }

        Span<byte> buffer = stackalloc byte[CompressedSize];
        data.CopyTo(buffer);
        buffer[0] &= 0x1f;
        if (!Fp.TryReadBigEndian(buffer, out var x))
        {
            return "x coordinate is not below the field modulus";
        }

        var rhs = x * x * x + Four;
        if (!Fp.TrySqrt(rhs, out var y))
        {
            return "x is not the abscissa of a point on the curve";
        }

        if (y.IsLexLargest() != sign)
        {
            y = -y;
        }

        point = G1Point.FromAffine(x, y);
        return null;
    }

    private static Fp ChooseBeta()
    {
        // A cube root of unity: g^((p-1)/3) for a non-cube g.
        for (int g = 2; ; g++)
        {
            var candidate = Fp.FromBigInteger(System.Numerics.BigInteger.ModPow(g, (Fp.Modulus - 1) / 3, Fp.Modulus));
            if (Fp.Equal(candidate, Fp.One))
            {
                continue;
            }

            var gen = G1Point.FromAffine(GeneratorX, GeneratorY);
            var x2g = G1Point.Negate(G1Point.MulPublic(G1Point.MulPublic(gen, AbsX), AbsX));
            var phi = G1Point.FromAffine(Fp.Mul(GeneratorX, candidate), GeneratorY);
            return G1Point.Equal(phi, x2g) ? candidate : Fp.Mul(candidate, candidate);
        }
    }
}
