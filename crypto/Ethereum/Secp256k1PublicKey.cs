// Design note: recovery follows SEC 1 v2 section 4.1.6 restricted to Ethereum's recovery ids 0/1: the nonce
// point R has x = r (r < n < p, so the "x = r + n" candidates of ids 2/3 are never used) and y of the given
// parity, and Q = r^-1 (s·R - e·G). Verification is the textbook u1·G + u2·Q check; because EcdsaSignature only
// holds low-s values, Verify implements Ethereum's (and libsecp256k1's) low-s-only rule.

using Org.BouncyCastle.Math.EC;

namespace Marketplace.Crypto.Ethereum;

/// <summary>A secp256k1 public key: a finite point on the curve.</summary>
public sealed class Secp256k1PublicKey : IEquatable<Secp256k1PublicKey>
{
    /// <summary>Length of the compressed encoding (0x02/0x03 || x).</summary>
    public const int CompressedSize = Secp256k1Curve.CompressedSize;

    /// <summary>Length of the uncompressed encoding (0x04 || x || y).</summary>
    public const int UncompressedSize = Secp256k1Curve.UncompressedSize;

    private readonly byte[] _uncompressed;

    private Secp256k1PublicKey(ECPoint point)
    {
        Point = point;
        _uncompressed = new byte[UncompressedSize];
        Secp256k1Curve.EncodePoint(point, compressed: false, _uncompressed);
    }

    internal ECPoint Point { get; }

    /// <summary>The 64 bytes x || y (the uncompressed form without its 0x04 prefix), as hashed for addresses.</summary>
    internal ReadOnlySpan<byte> Coordinates => _uncompressed.AsSpan(1);

    internal static Secp256k1PublicKey FromPoint(ECPoint normalizedFinitePoint) => new(normalizedFinitePoint);

    /// <summary>Parses a SEC1 public key: 33 bytes compressed or 65 bytes uncompressed.</summary>
    /// <param name="encoded">0x02/0x03 || x (33 bytes) or 0x04 || x || y (65 bytes), coordinates below p.</param>
    /// <exception cref="CryptoFormatException">
    /// Wrong length, a bad prefix byte, a coordinate not below p, or a point not on the curve.
    /// </exception>
    public static Secp256k1PublicKey Parse(ReadOnlySpan<byte> encoded) => new(Secp256k1Curve.DecodePoint(encoded));

    /// <summary>Recovers the signer's public key from a 32-byte hash and a signature with its recovery id.</summary>
    /// <param name="hash">The 32-byte hash that was signed.</param>
    /// <param name="signature">The signature (low-s, recovery id 0/1).</param>
    /// <exception cref="CryptoFormatException">
    /// <paramref name="hash"/> is not 32 bytes, or no public key matches (r is not the x of a curve point, or the
    /// result is the point at infinity).
    /// </exception>
    public static Secp256k1PublicKey Recover(ReadOnlySpan<byte> hash, EcdsaSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var e = Secp256k1Curve.HashToInteger(hash);
        var r = signature.RValue;
        var nonce = Secp256k1Curve.LiftX(r, yOdd: signature.RecoveryId == 1)
            ?? throw new CryptoFormatException(
                "The signature cannot be recovered: its r is not the x-coordinate of any secp256k1 point.");

        var n = Secp256k1Curve.N;
        var rInverse = r.ModInverse(n);
        var u1 = n.Subtract(e).Multiply(rInverse).Mod(n);
        var u2 = signature.SValue.Multiply(rInverse).Mod(n);
        var q = Secp256k1Curve.SumOfTwoMultiplies(u1, nonce, u2);
        if (q.IsInfinity)
        {
            throw new CryptoFormatException(
                "The signature cannot be recovered: it yields the point at infinity, which is not a public key.");
        }

        return new Secp256k1PublicKey(q);
    }

    /// <summary>Checks an ECDSA signature over a 32-byte hash (the recovery id is not used).</summary>
    /// <param name="hash">The 32-byte hash that was signed.</param>
    /// <param name="signature">The signature (low-s by construction).</param>
    /// <returns>True when the signature is valid for this key and hash.</returns>
    /// <exception cref="CryptoFormatException"><paramref name="hash"/> is not 32 bytes.</exception>
    public bool Verify(ReadOnlySpan<byte> hash, EcdsaSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var e = Secp256k1Curve.HashToInteger(hash);
        var n = Secp256k1Curve.N;
        var w = signature.SValue.ModInverse(n);
        var u1 = e.Multiply(w).Mod(n);
        var u2 = signature.RValue.Multiply(w).Mod(n);
        var x = Secp256k1Curve.SumOfTwoMultiplies(u1, Point, u2);
        return !x.IsInfinity && x.AffineXCoord.ToBigInteger().Mod(n).Equals(signature.RValue);
    }

    /// <summary>Returns the SEC1 encoding: 33 bytes when <paramref name="compressed"/>, otherwise 65 bytes.</summary>
    /// <param name="compressed">True for 0x02/0x03 || x, false for 0x04 || x || y.</param>
    public byte[] ToBytes(bool compressed = false)
    {
        if (!compressed)
        {
            return (byte[])_uncompressed.Clone();
        }

        var bytes = new byte[CompressedSize];
        bytes[0] = (byte)(0x02 | (_uncompressed[UncompressedSize - 1] & 1));
        _uncompressed.AsSpan(1, Secp256k1Curve.ScalarSize).CopyTo(bytes.AsSpan(1));
        return bytes;
    }

    /// <inheritdoc />
    public bool Equals(Secp256k1PublicKey? other) =>
        other is not null && _uncompressed.AsSpan().SequenceEqual(other._uncompressed);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Secp256k1PublicKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_uncompressed);
        return hash.ToHashCode();
    }

    /// <summary>Lower-case hex of the uncompressed encoding.</summary>
    public override string ToString() => Convert.ToHexStringLower(_uncompressed);
}
