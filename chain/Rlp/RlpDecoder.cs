namespace Marketplace.Chain.Rlp;

/// <summary>
/// Strict RLP decoding: the input must be exactly one canonical item. Rejected with
/// <see cref="ChainFormatException"/>: empty input, trailing bytes, a payload running past the end, a single byte
/// below 0x80 wrapped as a string, a long-form length under 56 or with leading zero bytes, list payloads that do
/// not split exactly into items, and nesting deeper than <see cref="MaxDepth"/>.
/// </summary>
public static class RlpDecoder
{
    /// <summary>Deepest list nesting accepted (transactions need 3).</summary>
    public const int MaxDepth = 64;

    /// <summary>Decodes exactly one item spanning all of <paramref name="encoded"/>.</summary>
    public static RlpItem Decode(ReadOnlySpan<byte> encoded)
    {
        var owned = encoded.ToArray();
        var position = 0;
        var item = ReadItem(owned, ref position, owned.Length, 0);
        if (position != owned.Length)
        {
            throw new ChainFormatException($"RLP has {owned.Length - position} trailing bytes after the item.");
        }

        return item;
    }

    private static RlpItem ReadItem(byte[] data, ref int position, int end, int depth)
    {
        var (isList, payloadStart, payloadLength) = ReadHeader(data, position, end);
        var payloadEnd = payloadStart + payloadLength;
        if (!isList)
        {
            position = payloadEnd;
            return RlpItem.String(new ReadOnlyMemory<byte>(data, payloadStart, payloadLength));
        }

        if (depth >= MaxDepth)
        {
            throw new ChainFormatException($"RLP lists nest deeper than {MaxDepth} levels.");
        }

        var items = new List<RlpItem>();
        var cursor = payloadStart;
        while (cursor < payloadEnd)
        {
            items.Add(ReadItem(data, ref cursor, payloadEnd, depth + 1));
        }

        position = payloadEnd;
        return RlpItem.ListOwned([.. items]);
    }

    /// <summary>Reads the header at <paramref name="position"/>; the payload is checked to end at or before <paramref name="end"/>.</summary>
    private static (bool IsList, int PayloadStart, int PayloadLength) ReadHeader(byte[] data, int position, int end)
    {
        if (position >= end)
        {
            throw new ChainFormatException("RLP input ends where an item was expected.");
        }

        var prefix = data[position];
        bool isList;
        int payloadStart;
        long payloadLength;
        if (prefix < 0x80)
        {
            return (false, position, 1);
        }

        if (prefix <= 0xb7 || (prefix >= 0xc0 && prefix <= 0xf7))
        {
            isList = prefix >= 0xc0;
            payloadStart = position + 1;
            payloadLength = prefix - (isList ? 0xc0 : 0x80);
            if (!isList && payloadLength == 1)
            {
                if (payloadStart >= end)
                {
                    throw new ChainFormatException("RLP string of one byte is truncated.");
                }

                if (data[payloadStart] < 0x80)
                {
                    throw new ChainFormatException(
                        $"RLP single byte 0x{data[payloadStart]:x2} below 0x80 must be encoded as itself, not as a string.");
                }
            }
        }
        else
        {
            isList = prefix >= 0xf8;
            var lengthOfLength = prefix - (isList ? 0xf7 : 0xb7);
            payloadStart = position + 1 + lengthOfLength;
            if (payloadStart > end)
            {
                throw new ChainFormatException("RLP length field runs past the end of the input.");
            }

            if (data[position + 1] == 0)
            {
                throw new ChainFormatException("RLP length field has a leading zero byte.");
            }

            if (lengthOfLength > 4)
            {
                throw new ChainFormatException($"RLP length field of {lengthOfLength} bytes is larger than any input accepted.");
            }

            payloadLength = 0;
            for (var i = 0; i < lengthOfLength; i++)
            {
                payloadLength = (payloadLength << 8) | data[position + 1 + i];
            }

            if (payloadLength < 56)
            {
                throw new ChainFormatException($"RLP long-form length {payloadLength} must be at least 56 (use the short form).");
            }
        }

        if (payloadLength > end - payloadStart)
        {
            throw new ChainFormatException(
                $"RLP {(isList ? "list" : "string")} claims {payloadLength} bytes but only {end - payloadStart} remain.");
        }

        return (isList, payloadStart, (int)payloadLength);
    }
}
