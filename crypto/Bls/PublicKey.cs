using G1Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp>;

namespace Marketplace.Crypto.Bls;

/// <summary>
/// A validated BLS public key (48-byte compressed G1 point): it decodes, lies in the prime-order subgroup and is not
/// the identity (KeyValidate). Instances are immutable; validate once and reuse.
/// </summary>
public sealed class PublicKey : IEquatable<PublicKey>
{
    /// <summary>Size of the compressed encoding.</summary>
    public const int Size = 48;

    private readonly byte[] _encoded;

    internal PublicKey(byte[] encoded, in Fp x, in Fp y)
    {
        _encoded = encoded;
        X = x;
        Y = y;
    }

    internal Fp X { get; }

    internal Fp Y { get; }

    internal G1Point Point => G1Point.FromAffine(X, Y);

    /// <summary>Decodes and validates a public key (KeyValidate).</summary>
    /// <exception cref="CryptoFormatException">Bad length or flags, non-canonical or off-curve x, not in G1, or the identity.</exception>
    public static PublicKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        string? error = TryDecode(bytes, out var key);
        return error is null ? key! : throw new CryptoFormatException("invalid BLS public key: " + error);
    }

    /// <summary>Decodes and validates without throwing; false on any problem.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out PublicKey? key) => TryDecode(bytes, out key) is null;

    internal static string? TryDecode(ReadOnlySpan<byte> bytes, out PublicKey? key)
    {
        key = null;
        string? error = G1.TryDecompress(bytes, out var p);
        if (error is not null)
        {
            return error;
        }

        if (p.IsIdentity)
        {
            return "the identity (point at infinity) is not a valid public key";
        }

        if (!G1.IsInSubgroup(p))
        {
            return "the point is not in the prime-order subgroup G1";
        }

        key = new PublicKey(bytes.ToArray(), p.X, p.Y);
        return null;
    }

    /// <summary>The 48-byte compressed encoding.</summary>
    public byte[] ToBytes() => (byte[])_encoded.Clone();

    /// <summary>Size of the uncompressed encoding of EIP-2537 (<see cref="ToEip2537"/>).</summary>
    public const int Eip2537Size = 128;

    /// <summary>The key uncompressed in the EIP-2537 layout that Ethereum's BLS12-381 precompiles read: x then y, each
    /// 48 bytes big-endian after 16 zero bytes (128 bytes). The four 32-byte words are a Solidity
    /// <c>Bls12381.G1Point</c>.</summary>
    public byte[] ToEip2537()
    {
        var bytes = new byte[Eip2537Size];
        X.WriteBigEndian(bytes.AsSpan(16, 48));
        Y.WriteBigEndian(bytes.AsSpan(80, 48));
        return bytes;
    }

    /// <inheritdoc/>
    public bool Equals(PublicKey? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_encoded, 1);

    /// <summary>Lower-case hex of the encoding.</summary>
    public override string ToString() => Convert.ToHexStringLower(_encoded);
}
