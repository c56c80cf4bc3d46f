using G2Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp2>;

namespace Marketplace.Crypto.Bls;

/// <summary>
/// A BLS signature (96-byte compressed G2 point) that decodes and lies in G2. The identity is a valid encoding; it
/// never verifies against a valid public key.
/// </summary>
public sealed class Signature : IEquatable<Signature>
{
    /// <summary>Size of the compressed encoding.</summary>
    public const int Size = 96;

    private readonly byte[] _encoded;

    internal Signature(byte[] encoded, in G2Point point)
    {
        _encoded = encoded;
        Point = point;
    }

    internal G2Point Point { get; }

    /// <summary>Decodes a signature and checks it lies in G2.</summary>
    /// <exception cref="CryptoFormatException">Bad length or flags, non-canonical or off-curve x, or not in G2.</exception>
    public static Signature FromBytes(ReadOnlySpan<byte> bytes)
    {
        string? error = TryDecode(bytes, out var sig);
        return error is null ? sig! : throw new CryptoFormatException("invalid BLS signature: " + error);
    }

    /// <summary>Decodes without throwing; false on any problem.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Signature? signature) => TryDecode(bytes, out signature) is null;

    internal static string? TryDecode(ReadOnlySpan<byte> bytes, out Signature? signature)
    {
        signature = null;
        string? error = G2.TryDecompress(bytes, out var p);
        if (error is not null)
        {
            return error;
        }

        if (!G2.IsInSubgroup(p))
        {
            return "the point is not in the prime-order subgroup G2";
        }

        signature = new Signature(bytes.ToArray(), p);
        return null;
    }

    internal static Signature FromPoint(in G2Point p)
    {
        var bytes = new byte[Size];
        G2.Compress(p, bytes);
        return new Signature(bytes, p);
    }

    /// <summary>Size of the uncompressed encoding of EIP-2537 (<see cref="ToEip2537"/>).</summary>
    public const int Eip2537Size = 256;

    /// <summary>The signature uncompressed in the EIP-2537 layout that Ethereum's BLS12-381 precompiles read: x.c0,
    /// x.c1, y.c0, y.c1, each 48 bytes big-endian after 16 zero bytes (256 bytes; the identity is all zeros). The eight
    /// 32-byte words are a Solidity <c>Bls12381.G2Point</c>.</summary>
    public byte[] ToEip2537()
    {
        var bytes = new byte[Eip2537Size];
        if (Point.IsIdentity)
        {
            return bytes;
        }

        Point.ToAffine(out var x, out var y);
        x.C0.WriteBigEndian(bytes.AsSpan(16, 48));
        x.C1.WriteBigEndian(bytes.AsSpan(80, 48));
        y.C0.WriteBigEndian(bytes.AsSpan(144, 48));
        y.C1.WriteBigEndian(bytes.AsSpan(208, 48));
        return bytes;
    }

    /// <summary>The 96-byte compressed encoding.</summary>
    public byte[] ToBytes() => (byte[])_encoded.Clone();

    /// <inheritdoc/>
    public bool Equals(Signature? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Signature);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_encoded, 1);

    /// <summary>Lower-case hex of the encoding.</summary>
    public override string ToString() => Convert.ToHexStringLower(_encoded);
}
