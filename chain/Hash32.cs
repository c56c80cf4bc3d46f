namespace Marketplace.Chain;

/// <summary>A 32-byte value: a transaction or block hash, a log topic, a storage key.</summary>
public readonly struct Hash32 : IEquatable<Hash32>
{
    /// <summary>Length in bytes.</summary>
    public const int Size = 32;

    private static readonly byte[] ZeroBytes = new byte[Size];

    private readonly byte[]? _bytes;

    private Hash32(byte[] bytes) => _bytes = bytes;

    /// <summary>The 32 zero bytes.</summary>
    public static Hash32 Zero => default;

    /// <summary>The bytes (32 zero bytes for <see cref="Zero"/>).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? ZeroBytes;

    /// <summary>Copies exactly 32 bytes.</summary>
    public static Hash32 FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Size
            ? new Hash32(bytes.ToArray())
            : throw new ChainFormatException($"A 32-byte hash was expected; got {bytes.Length} bytes.");

    /// <summary>Parses <c>0x</c> followed by 64 hex digits.</summary>
    public static Hash32 Parse(ReadOnlySpan<char> text) => FromBytes(Hex.Decode(text));

    /// <summary>A copy of the bytes.</summary>
    public byte[] ToArray() => Bytes.ToArray();

    /// <summary>Lower-case <c>0x</c>-prefixed hex.</summary>
    public override string ToString() => Hex.Encode(Bytes);

    /// <inheritdoc />
    public bool Equals(Hash32 other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(Bytes[..4]);

    /// <summary>Equality of the bytes.</summary>
    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);

    /// <summary>Inequality of the bytes.</summary>
    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);
}
