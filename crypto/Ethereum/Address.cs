// Design note: an address is the last 20 bytes of Keccak-256 over the 64-byte x || y of the uncompressed public
// key. Text form follows EIP-55: "0x" + 40 hex digits, where a letter is upper case exactly when the matching
// nibble of keccak256(lower-case hex digits as ASCII) is 8 or more. Parsing is strict about the prefix ("0x" only:
// "0X" and a missing prefix are rejected), the length and the digits; all-lower and all-upper bodies carry no
// checksum and are accepted, any mixed-case body must match its checksum exactly.

using System.Buffers.Binary;

namespace Marketplace.Crypto.Ethereum;

/// <summary>A 20-byte Ethereum account address (value type; <c>default</c> is the zero address).</summary>
/// <example>
/// <code>
/// var address = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
/// string text = address.ToChecksumString(); // the same EIP-55 form
/// </code>
/// </example>
public readonly struct Address : IEquatable<Address>
{
    /// <summary>Length of an address in bytes.</summary>
    public const int Size = 20;

    private const int HexDigits = 2 * Size;

    // Big-endian chunks of the 20 bytes: 8 + 8 + 4.
    private readonly ulong _high;
    private readonly ulong _middle;
    private readonly uint _low;

    private Address(ReadOnlySpan<byte> bytes)
    {
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _middle = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _low = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    /// <summary>The zero address 0x0000000000000000000000000000000000000000.</summary>
    public static Address Zero => default;

    /// <summary>Wraps 20 raw bytes.</summary>
    /// <param name="bytes">Exactly 20 bytes.</param>
    /// <exception cref="CryptoFormatException"><paramref name="bytes"/> is not 20 bytes long.</exception>
    public static Address FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new CryptoFormatException($"An Ethereum address must be exactly {Size} bytes; got {bytes.Length}.");
        }

        return new Address(bytes);
    }

    /// <summary>The address of a public key: the last 20 bytes of Keccak-256 over its x || y.</summary>
    /// <param name="publicKey">The account's public key.</param>
    public static Address FromPublicKey(Secp256k1PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> hash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(publicKey.Coordinates, hash);
        return new Address(hash[(Keccak256.HashSize - Size)..]);
    }

    /// <summary>
    /// Parses "0x" + 40 hex digits. All-lower-case and all-upper-case digits are accepted as they are; mixed case
    /// must be the EIP-55 checksum form.
    /// </summary>
    /// <param name="text">The address text.</param>
    /// <exception cref="CryptoFormatException">
    /// Missing or wrong prefix, wrong length, a non-hex character, or a mixed-case checksum that does not match.
    /// </exception>
    public static Address Parse(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[0] != '0' || text[1] != 'x')
        {
            throw new CryptoFormatException("An Ethereum address must start with \"0x\" (lower-case x).");
        }

        var digits = text[2..];
        if (digits.Length != HexDigits)
        {
            throw new CryptoFormatException(
                $"An Ethereum address must have exactly {HexDigits} hex digits after \"0x\"; got {digits.Length}.");
        }

        Span<byte> bytes = stackalloc byte[Size];
        bytes.Clear();
        var hasLower = false;
        var hasUpper = false;
        for (var i = 0; i < HexDigits; i++)
        {
            var c = digits[i];
            int nibble;
            if (c is >= '0' and <= '9')
            {
                nibble = c - '0';
            }
            else if (c is >= 'a' and <= 'f')
            {
                nibble = c - 'a' + 10;
                hasLower = true;
            }
            else if (c is >= 'A' and <= 'F')
            {
                nibble = c - 'A' + 10;
                hasUpper = true;
            }
            else
            {
                throw new CryptoFormatException(
                    $"An Ethereum address contains a character that is not a hex digit at position {i + 2}" +
                    (c is >= ' ' and <= '~' ? $" ('{c}')." : $" (U+{(int)c:X4})."));
            }

            bytes[i / 2] |= (byte)(i % 2 == 0 ? nibble << 4 : nibble);
        }

        var address = new Address(bytes);
        if (hasLower && hasUpper)
        {
            Span<char> expected = stackalloc char[HexDigits];
            address.WriteChecksumDigits(expected);
            for (var i = 0; i < HexDigits; i++)
            {
                if (expected[i] != digits[i])
                {
                    throw new CryptoFormatException(
                        $"The mixed-case Ethereum address fails its EIP-55 checksum (first mismatch at position {i + 2}: " +
                        $"expected '{expected[i]}', got '{digits[i]}').");
                }
            }
        }

        return address;
    }

    /// <summary>Returns the 20 bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Writes the 20 bytes into the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 20 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 20 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination must hold {Size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _middle);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _low);
    }

    /// <summary>The EIP-55 mixed-case form, "0x" + 40 digits.</summary>
    public string ToChecksumString() =>
        string.Create(2 + HexDigits, this, static (chars, address) =>
        {
            chars[0] = '0';
            chars[1] = 'x';
            address.WriteChecksumDigits(chars[2..]);
        });

    /// <summary>The EIP-55 mixed-case form (same as <see cref="ToChecksumString"/>).</summary>
    public override string ToString() => ToChecksumString();

    private void WriteChecksumDigits(Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);

        Span<byte> lowerAscii = stackalloc byte[HexDigits];
        for (var i = 0; i < Size; i++)
        {
            lowerAscii[2 * i] = (byte)"0123456789abcdef"[bytes[i] >> 4];
            lowerAscii[(2 * i) + 1] = (byte)"0123456789abcdef"[bytes[i] & 0xF];
        }

        Span<byte> hash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(lowerAscii, hash);
        for (var i = 0; i < HexDigits; i++)
        {
            var hashNibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0xF;
            var c = (char)lowerAscii[i];
            destination[i] = c >= 'a' && hashNibble >= 8 ? (char)(c - ('a' - 'A')) : c;
        }
    }

    /// <inheritdoc />
    public bool Equals(Address other) => _high == other._high && _middle == other._middle && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _middle, _low);

    /// <summary>True when both addresses have the same 20 bytes.</summary>
    public static bool operator ==(Address left, Address right) => left.Equals(right);

    /// <summary>True when the addresses differ.</summary>
    public static bool operator !=(Address left, Address right) => !left.Equals(right);
}
