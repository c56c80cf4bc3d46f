using System.Numerics;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rlp;

/// <summary>A decoded RLP item: either a byte string or a list of items.</summary>
public sealed class RlpItem
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly RlpItem[]? _items;

    private RlpItem(ReadOnlyMemory<byte> bytes, RlpItem[]? items)
    {
        _bytes = bytes;
        _items = items;
    }

    /// <summary>True for a list, false for a byte string.</summary>
    public bool IsList => _items is not null;

    /// <summary>The bytes of a string item.</summary>
    /// <exception cref="ChainFormatException">The item is a list.</exception>
    public ReadOnlyMemory<byte> Bytes => _items is null ? _bytes : throw new ChainFormatException("Expected an RLP string, found a list.");

    /// <summary>The elements of a list item.</summary>
    /// <exception cref="ChainFormatException">The item is a string.</exception>
    public IReadOnlyList<RlpItem> Items => _items ?? throw new ChainFormatException("Expected an RLP list, found a string.");

    /// <summary>A string item.</summary>
    public static RlpItem String(ReadOnlyMemory<byte> bytes) => new(bytes, null);

    /// <summary>A list item.</summary>
    public static RlpItem List(params RlpItem[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new RlpItem(default, (RlpItem[])items.Clone());
    }

    internal static RlpItem ListOwned(RlpItem[] items) => new(default, items);

    /// <summary>
    /// Reads a string item as a big-endian unsigned integer: empty is zero, a leading zero byte is rejected (not
    /// canonical), and at most <paramref name="maxBytes"/> bytes are allowed.
    /// </summary>
    public BigInteger ToUnsignedInteger(int maxBytes = 32)
    {
        var bytes = Bytes.Span;
        CheckInteger(bytes, maxBytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Reads a string item as a canonical unsigned integer of at most 64 bits.</summary>
    public ulong ToUInt64()
    {
        var bytes = Bytes.Span;
        CheckInteger(bytes, 8);
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>Reads a string item as a 20-byte address, or null for the empty string (contract creation).</summary>
    public Address? ToAddressOrNull()
    {
        var bytes = Bytes.Span;
        if (bytes.IsEmpty)
        {
            return null;
        }

        if (bytes.Length != Address.Size)
        {
            throw new ChainFormatException($"An address must be 20 bytes in RLP; got {bytes.Length}.");
        }

        return Address.FromBytes(bytes);
    }

    private static void CheckInteger(ReadOnlySpan<byte> bytes, int maxBytes)
    {
        if (bytes.Length > 0 && bytes[0] == 0)
        {
            throw new ChainFormatException("An RLP integer must not have leading zero bytes.");
        }

        if (bytes.Length > maxBytes)
        {
            throw new ChainFormatException($"An RLP integer of {bytes.Length} bytes is wider than the {maxBytes} bytes allowed.");
        }
    }
}
