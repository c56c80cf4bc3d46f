using System.Numerics;
using System.Text;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Abi;

/// <summary>
/// Strict Solidity ABI decoding. Rejected with <see cref="ChainFormatException"/>: data too short for a head,
/// an offset or length past the end (or above 2^31), integers with bits set above their width or a wrong sign
/// extension, <c>bool</c> other than 0 or 1, addresses with non-zero upper bytes, <c>bytesN</c>, <c>bytes</c> and
/// <c>string</c> with non-zero padding, strings that are not UTF-8. Bytes after the encoding are allowed, as
/// Solidity allows them in calldata. Values come back as described on <see cref="AbiType"/>.
/// </summary>
public static class AbiDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes a parameter list (return data, or call data after the selector).</summary>
    public static object?[] Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(types);
        var budget = new Budget(data.Length);
        return DecodeTuple(types, data, 0, ref budget);
    }

    /// <summary>Decodes one value of <paramref name="type"/> encoded as a single parameter.</summary>
    public static object? DecodeSingle(AbiType type, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Decode([type], data)[0];
    }

    /// <summary>Decodes the 32-byte word of a static value type (an indexed event argument).</summary>
    internal static object? DecodeWord(AbiType type, ReadOnlySpan<byte> word)
    {
        var budget = new Budget(word.Length);
        return DecodeAt(type, word, 0, ref budget);
    }

    private static object?[] DecodeTuple(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data, int start, ref Budget budget)
    {
        var values = new object?[types.Count];
        var head = start;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = DecodeSlot(types[i], data, start, head, ref budget);
            head += types[i].StaticSize;
        }

        return values;
    }

    /// <summary>Decodes the element whose head is at <paramref name="head"/>; offsets count from <paramref name="start"/>.</summary>
    private static object? DecodeSlot(AbiType type, ReadOnlySpan<byte> data, int start, int head, ref Budget budget)
    {
        if (!type.IsDynamic)
        {
            return DecodeAt(type, data, head, ref budget);
        }

        var offset = ReadSize(data, head, "offset");
        if (offset > data.Length - start)
        {
            throw new ChainFormatException($"ABI offset {offset} at byte {head} points past the end of the data ({data.Length} bytes).");
        }

        return DecodeAt(type, data, start + offset, ref budget);
    }

    private static object? DecodeAt(AbiType type, ReadOnlySpan<byte> data, int position, ref Budget budget)
    {
        budget.Spend();
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            case AbiTypeKind.Int:
                return ReadInteger(type, Word(data, position, type));
            case AbiTypeKind.Address:
                var address = Word(data, position, type);
                RequireZero(address[..12], "address", "upper 12 bytes");
                return Address.FromBytes(address[12..]);
            case AbiTypeKind.Bool:
                var flag = Word(data, position, type);
                RequireZero(flag[..31], "bool", "upper 31 bytes");
                return flag[31] switch
                {
                    0 => false,
                    1 => true,
                    _ => throw new ChainFormatException($"An ABI bool must be 0 or 1; got {flag[31]}."),
                };
            case AbiTypeKind.FixedBytes:
                var fixedWord = Word(data, position, type);
                RequireZero(fixedWord[type.Size..], type.CanonicalName, "padding");
                return fixedWord[..type.Size].ToArray();
            case AbiTypeKind.Bytes:
                return ReadDynamicBytes(data, position, type).ToArray();
            case AbiTypeKind.String:
                try
                {
                    return StrictUtf8.GetString(ReadDynamicBytes(data, position, type));
                }
                catch (DecoderFallbackException e)
                {
                    throw new ChainFormatException("An ABI string is not valid UTF-8.", e);
                }

            case AbiTypeKind.Array:
                return DecodeArray(type, data, position, ref budget);
            default:
                return DecodeTuple(type.Components, data, position, ref budget);
        }
    }

    private static object?[] DecodeArray(AbiType type, ReadOnlySpan<byte> data, int position, ref Budget budget)
    {
        var element = type.Element!;
        int count;
        var start = position;
        if (type.Length is { } fixedLength)
        {
            count = fixedLength;
        }
        else
        {
            count = ReadSize(data, position, "array length");
            start = position + 32;
        }

        var available = data.Length - start;
        if ((long)count * element.StaticSize > available)
        {
            throw new ChainFormatException(
                $"ABI {type} of {count} elements needs {(long)count * element.StaticSize} head bytes; {Math.Max(available, 0)} remain.");
        }

        var values = new object?[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = DecodeSlot(element, data, start, start + (i * element.StaticSize), ref budget);
        }

        return values;
    }

    private static ReadOnlySpan<byte> ReadDynamicBytes(ReadOnlySpan<byte> data, int position, AbiType type)
    {
        var length = ReadSize(data, position, type.CanonicalName + " length");
        var padded = AbiEncoder.Pad32(length);
        if (padded > data.Length - position - 32)
        {
            throw new ChainFormatException(
                $"ABI {type} of {length} bytes (padded {padded}) runs past the end of the data at byte {position + 32}.");
        }

        var content = data.Slice(position + 32, padded);
        RequireZero(content[length..], type.CanonicalName, "padding");
        return content[..length];
    }

    private static ReadOnlySpan<byte> Word(ReadOnlySpan<byte> data, int position, AbiType type) =>
        position <= data.Length - 32
            ? data.Slice(position, 32)
            : throw new ChainFormatException($"ABI {type} at byte {position} needs 32 bytes; the data has {data.Length}.");

    /// <summary>Reads an offset or length word: an unsigned value below 2^31.</summary>
    private static int ReadSize(ReadOnlySpan<byte> data, int position, string what)
    {
        if (position > data.Length - 32)
        {
            throw new ChainFormatException($"ABI {what} at byte {position} needs 32 bytes; the data has {data.Length}.");
        }

        var word = data.Slice(position, 32);
        RequireZero(word[..28], what, "upper 28 bytes (value too large)");
        var value = (word[28] << 24) | (word[29] << 16) | (word[30] << 8) | word[31];
        return value >= 0 ? value : throw new ChainFormatException($"ABI {what} at byte {position} is above 2^31.");
    }

    private static BigInteger ReadInteger(AbiType type, ReadOnlySpan<byte> word)
    {
        var width = type.Size / 8;
        var high = word[..(32 - width)];
        if (type.Kind == AbiTypeKind.UInt)
        {
            RequireZero(high, type.CanonicalName, "bits above its width");
            return new BigInteger(word[(32 - width)..], isUnsigned: true, isBigEndian: true);
        }

        var fill = (word[32 - width] & 0x80) != 0 ? (byte)0xff : (byte)0;
        foreach (var b in high)
        {
            if (b != fill)
            {
                throw new ChainFormatException($"ABI {type} is not sign-extended to 256 bits.");
            }
        }

        return new BigInteger(word[(32 - width)..], isUnsigned: false, isBigEndian: true);
    }

    private static void RequireZero(ReadOnlySpan<byte> bytes, string type, string part)
    {
        if (bytes.ContainsAnyExcept((byte)0))
        {
            throw new ChainFormatException($"ABI {type}: the {part} must be zero.");
        }
    }

    /// <summary>
    /// Bounds the number of decoded values by the data size, so offsets that point many elements at the same bytes
    /// cannot make a small input expand into a huge result.
    /// </summary>
    private struct Budget(int dataLength)
    {
        private long _remaining = 64 + (4L * dataLength);

        public void Spend()
        {
            if (--_remaining < 0)
            {
                throw new ChainFormatException("ABI data decodes to far more values than its size allows (overlapping offsets).");
            }
        }
    }
}
