using System.Buffers.Binary;
using System.Numerics;

namespace Marketplace.Chain.Rlp;

/// <summary>Recursive Length Prefix encoding (Ethereum yellow paper, appendix B).</summary>
public static class RlpEncoder
{
    /// <summary>Encodes a byte string.</summary>
    public static byte[] EncodeBytes(ReadOnlySpan<byte> value)
    {
        var result = new byte[EncodedLengthOfBytes(value)];
        WriteBytes(result, value);
        return result;
    }

    /// <summary>Encodes a non-negative integer as its minimal big-endian bytes (zero is the empty string).</summary>
    public static byte[] EncodeInteger(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "RLP integers cannot be negative.");
        }

        var count = value.GetByteCount(isUnsigned: true);
        Span<byte> buffer = count <= 64 ? stackalloc byte[64] : new byte[count];
        return EncodeBytes(IntegerBytes(value, buffer));
    }

    /// <summary>Encodes a list from items that are already RLP-encoded.</summary>
    public static byte[] EncodeList(params ReadOnlySpan<byte[]> encodedItems)
    {
        var payload = 0;
        foreach (var item in encodedItems)
        {
            payload += item.Length;
        }

        var result = new byte[HeaderLength(payload) + payload];
        var offset = WriteHeader(result, payload, 0xc0);
        foreach (var item in encodedItems)
        {
            item.CopyTo(result.AsSpan(offset));
            offset += item.Length;
        }

        return result;
    }

    /// <summary>Encodes a decoded item tree (the inverse of <see cref="RlpDecoder.Decode"/>).</summary>
    public static byte[] Encode(RlpItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!item.IsList)
        {
            return EncodeBytes(item.Bytes.Span);
        }

        var items = item.Items;
        var encoded = new byte[items.Count][];
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i] = Encode(items[i]);
        }

        return EncodeList(encoded);
    }

    /// <summary>Length of the encoding of a byte string.</summary>
    internal static int EncodedLengthOfBytes(ReadOnlySpan<byte> value) =>
        value.Length == 1 && value[0] < 0x80 ? 1 : HeaderLength(value.Length) + value.Length;

    /// <summary>Writes the encoding of a byte string; returns the bytes written.</summary>
    internal static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] < 0x80)
        {
            destination[0] = value[0];
            return 1;
        }

        var offset = WriteHeader(destination, value.Length, 0x80);
        value.CopyTo(destination[offset..]);
        return offset + value.Length;
    }

    /// <summary>Length of a string or list header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    internal static int HeaderLength(int payloadLength) => payloadLength < 56 ? 1 : 1 + LengthOfLength(payloadLength);

    /// <summary>Writes a header with base 0x80 (string) or 0xc0 (list); returns the bytes written.</summary>
    internal static int WriteHeader(Span<byte> destination, int payloadLength, byte offset)
    {
        if (payloadLength < 56)
        {
            destination[0] = (byte)(offset + payloadLength);
            return 1;
        }

        var lengthOfLength = LengthOfLength(payloadLength);
        destination[0] = (byte)(offset + 55 + lengthOfLength);
        Span<byte> big = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(big, payloadLength);
        big[(4 - lengthOfLength)..].CopyTo(destination[1..]);
        return 1 + lengthOfLength;
    }

    /// <summary>The minimal big-endian bytes of a non-negative integer, written into <paramref name="buffer"/>.</summary>
    internal static ReadOnlySpan<byte> IntegerBytes(BigInteger value, Span<byte> buffer)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "RLP integers cannot be negative.");
        }

        if (value.IsZero)
        {
            return [];
        }

        var count = value.GetByteCount(isUnsigned: true);
        if (count > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The integer is wider than {buffer.Length} bytes.");
        }

        value.TryWriteBytes(buffer, out var written, isUnsigned: true, isBigEndian: true);
        return buffer[..written];
    }

    private static int LengthOfLength(int length) => length switch
    {
        < 0x100 => 1,
        < 0x10000 => 2,
        < 0x1000000 => 3,
        _ => 4,
    };
}
