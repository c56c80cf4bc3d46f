// Design note: G2 = the order-r subgroup of the sextic twist E': y^2 = x^3 + 4(1 + u) over Fp2 (signatures and
// message hashes). Compressed encoding is 96 bytes, x.c1 first then x.c0, flags in the top three bits of byte 0.
// psi = untwist-Frobenius-twist: psi(x, y) = (conj(x) cx, conj(y) cy) with cx = xi^-((p-1)/3), cy = xi^-((p-1)/2);
// membership test psi(P) = x P (Scott 2021).
using G2Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp2>;

namespace Marketplace.Crypto.Bls;

/// <summary>G2 constants, psi endomorphism, encoding and subgroup check.</summary>
internal static class G2
{
    internal const int CompressedSize = 96;

    internal static readonly Fp2 GeneratorX = new(
        Fp.FromHex("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"),
        Fp.FromHex("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"));

    internal static readonly Fp2 GeneratorY = new(
        Fp.FromHex("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801"),
        Fp.FromHex("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be"));

    internal static readonly G2Point Generator = G2Point.FromAffine(GeneratorX, GeneratorY);

    private static readonly Fp2 B = new(Fp.FromBigInteger(4), Fp.FromBigInteger(4));

    private static readonly Fp2 PsiX = Fp2.Inverse(Fp2.Pow(new Fp2(Fp.One, Fp.One), (Fp.Modulus - 1) / 3));

    private static readonly Fp2 PsiY = Fp2.Inverse(Fp2.Pow(new Fp2(Fp.One, Fp.One), (Fp.Modulus - 1) / 2));

    internal static G2Point Psi(in G2Point p) =>
        new(Fp2.Conjugate(p.X) * PsiX, Fp2.Conjugate(p.Y) * PsiY, Fp2.Conjugate(p.Z));

    /// <summary>x P for the (negative) BLS parameter x.</summary>
    internal static G2Point MulByX(in G2Point p) => G2Point.Negate(JacobianPoint<Fp2>.MulPublic(p, G1.AbsX));

    /// <summary>psi(P) == x P.</summary>
    internal static bool IsInSubgroup(in G2Point p) => p.IsIdentity || G2Point.Equal(Psi(p), MulByX(p));

    internal static void Compress(in G2Point p, Span<byte> destination)
    {
        destination[..CompressedSize].Clear();
        if (p.IsIdentity)
        {
            destination[0] = 0xc0;
            return;
        }

        p.ToAffine(out var x, out var y);
        x.C1.WriteBigEndian(destination);
        x.C0.WriteBigEndian(destination[48..]);
        destination[0] |= (byte)(0x80 | (y.IsLexLargest() ? 0x20 : 0));
    }

    /// <summary>Decodes a compressed point, checking the curve equation (not the subgroup); null or the problem.</summary>
    internal static string? TryDecompress(ReadOnlySpan<byte> data, out G2Point point)
    {
        point = G2Point.Identity;
        if (data.Length != CompressedSize)
        {
            return $"a compressed G2 point is {CompressedSize} bytes, got {data.Length}";
        }

        byte flags = data[0];
        if ((flags & 0x80) == 0)
        {
            return "compression flag (0x80) not set; only compressed G2 points are accepted";
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

        Span<byte> buffer = stackalloc byte[48];
        data[..48].CopyTo(buffer);
        buffer[0] &= 0x1f;
        if (!Fp.TryReadBigEndian(buffer, out var x1))
        {
            return "x.c1 (imaginary part) is not below the field modulus";
        }

        if (!Fp.TryReadBigEndian(data[48..], out var x0))
        {
            return "x.c0 (real part) is not below the field modulus";
        }

        var x = new Fp2(x0, x1);
        var rhs = Fp2.Square(x) * x + B;
        if (!Fp2.TrySqrt(rhs, out var y))
        {
            return "x is not the abscissa of a point on the twist curve";
        }

        if (y.IsLexLargest() != sign)
        {
            y = -y;
        }

        point = G2Point.FromAffine(x, y);
        return null;
    }
}
