using Org.BouncyCastle.Math;

namespace Marketplace.Crypto.Ethereum;

/// <summary>
/// A secp256k1 ECDSA signature as Ethereum uses it: r and s (each in 1..n-1, s at most n/2, the EIP-2 "low-s"
/// rule) and the recovery id (0 or 1, the parity of the nonce point's y after low-s normalization).
/// </summary>
/// <remarks>
/// The 65-byte form is r || s || v with r and s as 32 big-endian bytes. <see cref="ToBytes"/> writes v as the
/// recovery id (0/1) or, for <c>eth_sign</c>/EIP-191 signatures, as 27/28. Typed transactions carry the recovery id
/// as <c>yParity</c>; EIP-155 legacy transactions use <c>recoveryId + 35 + 2 * chainId</c> (the caller converts).
/// Instances are immutable and always satisfy the low-s rule.
/// </remarks>
public sealed class EcdsaSignature : IEquatable<EcdsaSignature>
{
    /// <summary>Length of the r || s || v encoding.</summary>
    public const int Size = 65;

    private readonly byte[] _rs;

    private EcdsaSignature(BigInteger r, BigInteger s, int recoveryId)
    {
        RValue = r;
        SValue = s;
        RecoveryId = recoveryId;
        _rs = new byte[2 * Secp256k1Curve.ScalarSize];
        Secp256k1Curve.WriteScalar(r, _rs.AsSpan(0, Secp256k1Curve.ScalarSize));
        Secp256k1Curve.WriteScalar(s, _rs.AsSpan(Secp256k1Curve.ScalarSize, Secp256k1Curve.ScalarSize));
    }

    /// <summary>r as 32 big-endian bytes.</summary>
    public ReadOnlySpan<byte> R => _rs.AsSpan(0, Secp256k1Curve.ScalarSize);

    /// <summary>s as 32 big-endian bytes (always at most n/2).</summary>
    public ReadOnlySpan<byte> S => _rs.AsSpan(Secp256k1Curve.ScalarSize, Secp256k1Curve.ScalarSize);

    /// <summary>Recovery id: 0 or 1 (Ethereum's <c>yParity</c>).</summary>
    public int RecoveryId { get; }

    internal BigInteger RValue { get; }

    internal BigInteger SValue { get; }

    /// <summary>Parses the 65-byte r || s || v form; v may be 0, 1, 27 or 28.</summary>
    /// <param name="signature">Exactly 65 bytes.</param>
    /// <param name="normalizeHighS">
    /// False (the default, as for Ethereum transactions): an s above n/2 is rejected.
    /// True: such an s is replaced by n - s and the recovery id flipped, which denotes the same signer.
    /// </param>
    /// <exception cref="CryptoFormatException">Wrong length, r or s out of range, high s, or a bad v.</exception>
    public static EcdsaSignature FromBytes(ReadOnlySpan<byte> signature, bool normalizeHighS = false)
    {
        if (signature.Length != Size)
        {
            throw new CryptoFormatException(
                $"An r || s || v signature must be exactly {Size} bytes; got {signature.Length}.");
        }

        return FromComponents(
            signature[..Secp256k1Curve.ScalarSize],
            signature.Slice(Secp256k1Curve.ScalarSize, Secp256k1Curve.ScalarSize),
            signature[Size - 1],
            normalizeHighS);
    }

    /// <summary>Builds a signature from r, s (big-endian, at most 32 bytes each) and v (0, 1, 27 or 28).</summary>
    /// <param name="r">r as a big-endian unsigned integer of at most 32 bytes (leading zeros may be omitted).</param>
    /// <param name="s">s as a big-endian unsigned integer of at most 32 bytes (leading zeros may be omitted).</param>
    /// <param name="v">The recovery id 0/1, or 27/28 (the <c>eth_sign</c> convention).</param>
    /// <param name="normalizeHighS">As for <see cref="FromBytes"/>.</param>
    /// <exception cref="CryptoFormatException">r or s too long or out of range, high s, or a bad v.</exception>
    public static EcdsaSignature FromComponents(
        ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, int v, bool normalizeHighS = false)
    {
        var rValue = ReadComponent(r, "r");
        var sValue = ReadComponent(s, "s");
        var recoveryId = v switch
        {
            0 or 1 => v,
            27 or 28 => v - 27,
            _ => throw new CryptoFormatException($"The signature's v must be 0, 1, 27 or 28; got {v}."),
        };

        if (sValue.CompareTo(Secp256k1Curve.HalfN) > 0)
        {
            if (!normalizeHighS)
            {
                throw new CryptoFormatException(
                    "The signature's s is above n/2 (high-s); Ethereum requires low-s signatures (EIP-2).");
            }

            sValue = Secp256k1Curve.N.Subtract(sValue);
            recoveryId ^= 1;
        }

        return new EcdsaSignature(rValue, sValue, recoveryId);
    }

    /// <summary>Creates a signature from values produced by the signer: r, s in range, s already low.</summary>
    internal static EcdsaSignature FromTrusted(BigInteger r, BigInteger s, int recoveryId) => new(r, s, recoveryId);

    private static BigInteger ReadComponent(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length > Secp256k1Curve.ScalarSize)
        {
            throw new CryptoFormatException(
                $"The signature's {name} must be at most {Secp256k1Curve.ScalarSize} bytes; got {bytes.Length}.");
        }

        var value = Secp256k1Curve.ToInteger(bytes);
        if (value.SignValue == 0)
        {
            throw new CryptoFormatException($"The signature's {name} is zero; it must be in 1..n-1.");
        }

        if (value.CompareTo(Secp256k1Curve.N) >= 0)
        {
            throw new CryptoFormatException(
                $"The signature's {name} is not below the group order n; it must be in 1..n-1.");
        }

        return value;
    }

    /// <summary>Returns r || s || v (65 bytes).</summary>
    /// <param name="legacyV">False: v is the recovery id (0/1). True: v is 27 + recovery id (<c>eth_sign</c>, EIP-191).</param>
    public byte[] ToBytes(bool legacyV = false)
    {
        var bytes = new byte[Size];
        WriteTo(bytes, legacyV);
        return bytes;
    }

    /// <summary>Writes r || s || v into the first 65 bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 65 bytes.</param>
    /// <param name="legacyV">As for <see cref="ToBytes"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 65 bytes.</exception>
    public void WriteTo(Span<byte> destination, bool legacyV = false)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination must hold {Size} bytes.", nameof(destination));
        }

        _rs.CopyTo(destination);
        destination[Size - 1] = (byte)(RecoveryId + (legacyV ? 27 : 0));
    }

    /// <inheritdoc />
    public bool Equals(EcdsaSignature? other) =>
        other is not null && RecoveryId == other.RecoveryId && _rs.AsSpan().SequenceEqual(other._rs);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EcdsaSignature other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_rs);
        hash.Add(RecoveryId);
        return hash.ToHashCode();
    }

    /// <summary>Lower-case hex of r || s || v (v = recovery id).</summary>
    public override string ToString() => Convert.ToHexStringLower(ToBytes());
}
