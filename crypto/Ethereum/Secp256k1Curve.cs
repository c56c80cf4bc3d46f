// Design note: all secp256k1 arithmetic goes through Portable.BouncyCastle 1.8.10 (managed, no native install),
// using its custom SecP256K1Curve (fast field arithmetic and the GLV endomorphism). BouncyCastle types stay
// internal to this file and the three key/signature types. Every input is range- and shape-checked here before
// BouncyCastle sees it, so BouncyCastle never throws on attacker-controlled bytes; decoders throw
// CryptoFormatException with the reason instead.

using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace Marketplace.Crypto.Ethereum;

/// <summary>secp256k1 domain parameters and the shared point/scalar routines behind the public key types.</summary>
internal static class Secp256k1Curve
{
    /// <summary>Bytes in a scalar, a field element, an r or s value and a message hash.</summary>
    internal const int ScalarSize = 32;

    internal const int CompressedSize = 33;
    internal const int UncompressedSize = 65;

    private static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256k1");

    internal static readonly ECCurve Curve = Parameters.Curve;
    internal static readonly ECPoint G = Parameters.G;

    /// <summary>Group order n.</summary>
    internal static readonly BigInteger N = Parameters.N;

    /// <summary>floor(n / 2): the largest s a low-s (EIP-2) signature may have.</summary>
    internal static readonly BigInteger HalfN = Parameters.N.ShiftRight(1);

    /// <summary>Field prime p.</summary>
    internal static readonly BigInteger P = Parameters.Curve.Field.Characteristic;

    private static readonly ECMultiplier BaseMultiplier = new FixedPointCombMultiplier();

    /// <summary>Reads a big-endian unsigned integer (no range check).</summary>
    internal static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) =>
        bigEndian.IsEmpty ? BigInteger.Zero : new BigInteger(1, bigEndian.ToArray());

    /// <summary>Writes <paramref name="value"/> (below 2^256) as exactly 32 big-endian bytes.</summary>
    internal static void WriteScalar(BigInteger value, Span<byte> destination)
    {
        var bytes = value.ToByteArrayUnsigned();
        destination[..ScalarSize].Clear();
        bytes.CopyTo(destination[(ScalarSize - bytes.Length)..]);
    }

    /// <summary>Checks a message hash and returns it as the ECDSA integer e = hash mod n.</summary>
    internal static BigInteger HashToInteger(ReadOnlySpan<byte> hash)
    {
        CheckHashLength(hash);
        return ToInteger(hash).Mod(N);
    }

    internal static void CheckHashLength(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != ScalarSize)
        {
            throw new CryptoFormatException(
                $"A message hash to sign or verify must be exactly {ScalarSize} bytes; got {hash.Length}.");
        }
    }

    /// <summary>d·G for a scalar already known to be in 1..n-1.</summary>
    internal static ECPoint MultiplyBase(BigInteger scalar) => BaseMultiplier.Multiply(G, scalar).Normalize();

    /// <summary>a·G + b·Q, normalized (may be infinity).</summary>
    internal static ECPoint SumOfTwoMultiplies(BigInteger a, ECPoint q, BigInteger b) =>
        ECAlgorithms.SumOfTwoMultiplies(G, a, q, b).Normalize();

    /// <summary>The RFC 6979 nonce generator (HMAC-SHA256) for key <paramref name="d"/> and a 32-byte hash.</summary>
    internal static HMacDsaKCalculator CreateNonceGenerator(BigInteger d, ReadOnlySpan<byte> hash)
    {
        CheckHashLength(hash);
        var generator = new HMacDsaKCalculator(new Sha256Digest());
        generator.Init(N, d, hash.ToArray());
        return generator;
    }

    /// <summary>
    /// The curve point with x-coordinate <paramref name="x"/> (x &lt; p) whose y has the given parity, or null when
    /// x^3 + 7 has no square root.
    /// </summary>
    internal static ECPoint? LiftX(BigInteger x, bool yOdd)
    {
        var fx = Curve.FromBigInteger(x);
        var rhs = fx.Square().Multiply(fx).Add(Curve.B);
        var fy = rhs.Sqrt();
        if (fy is null)
        {
            return null;
        }

        if (fy.TestBitZero() != yOdd)
        {
            fy = fy.Negate();
        }

        return Curve.CreatePoint(x, fy.ToBigInteger());
    }

    /// <summary>
    /// Decodes a SEC1 public key: 33 bytes (0x02/0x03 || x) or 65 bytes (0x04 || x || y), with canonical
    /// coordinates (below p) and an on-curve check.
    /// </summary>
    internal static ECPoint DecodePoint(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length == CompressedSize)
        {
            var prefix = encoded[0];
            if (prefix != 0x02 && prefix != 0x03)
            {
                throw new CryptoFormatException(
                    $"A 33-byte compressed secp256k1 public key must start with 0x02 or 0x03; got 0x{prefix:x2}.");
            }

            var x = ReadCoordinate(encoded.Slice(1, ScalarSize), "x");
            return LiftX(x, prefix == 0x03)
                ?? throw new CryptoFormatException(
                    "The compressed secp256k1 public key is not on the curve: x^3 + 7 has no square root for its x.");
        }

        if (encoded.Length == UncompressedSize)
        {
            var prefix = encoded[0];
            if (prefix != 0x04)
            {
                throw new CryptoFormatException(
                    $"A 65-byte uncompressed secp256k1 public key must start with 0x04; got 0x{prefix:x2}.");
            }

            var x = ReadCoordinate(encoded.Slice(1, ScalarSize), "x");
            var y = ReadCoordinate(encoded.Slice(1 + ScalarSize, ScalarSize), "y");
            var fx = Curve.FromBigInteger(x);
            var fy = Curve.FromBigInteger(y);
            if (!fy.Square().Equals(fx.Square().Multiply(fx).Add(Curve.B)))
            {
                throw new CryptoFormatException(
                    "The uncompressed secp256k1 public key is not on the curve (y^2 != x^3 + 7).");
            }

            return Curve.CreatePoint(x, y);
        }

        throw new CryptoFormatException(
            $"A secp256k1 public key must be {CompressedSize} bytes (compressed) or {UncompressedSize} bytes " +
            $"(uncompressed); got {encoded.Length}.");
    }

    private static BigInteger ReadCoordinate(ReadOnlySpan<byte> bytes, string name)
    {
        var value = ToInteger(bytes);
        if (value.CompareTo(P) >= 0)
        {
            throw new CryptoFormatException(
                $"The public key's {name} coordinate is not a canonical field element (it is not below p).");
        }

        return value;
    }

    /// <summary>Writes a normalized, finite point in SEC1 form (33 or 65 bytes).</summary>
    internal static void EncodePoint(ECPoint point, bool compressed, Span<byte> destination)
    {
        var x = point.AffineXCoord.ToBigInteger();
        var y = point.AffineYCoord.ToBigInteger();
        if (compressed)
        {
            destination[0] = (byte)(y.TestBit(0) ? 0x03 : 0x02);
            WriteScalar(x, destination.Slice(1, ScalarSize));
        }
        else
        {
            destination[0] = 0x04;
            WriteScalar(x, destination.Slice(1, ScalarSize));
            WriteScalar(y, destination.Slice(1 + ScalarSize, ScalarSize));
        }
    }
}
