using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rlp;

/// <summary>Writes the items of one RLP list into a growing buffer, then frames them (with an optional type byte).</summary>
internal sealed class RlpListBuilder
{
    private readonly ArrayBufferWriter<byte> _payload = new(256);

    public void AddBytes(ReadOnlySpan<byte> value)
    {
        var length = RlpEncoder.EncodedLengthOfBytes(value);
        RlpEncoder.WriteBytes(_payload.GetSpan(length), value);
        _payload.Advance(length);
    }

    public void AddInteger(BigInteger value)
    {
        Span<byte> buffer = stackalloc byte[32];
        AddBytes(RlpEncoder.IntegerBytes(value, buffer));
    }

    public void AddInteger(ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        var skip = 0;
        while (skip < 8 && buffer[skip] == 0)
        {
            skip++;
        }

        AddBytes(buffer[skip..]);
    }

    public void AddAddress(Address? address)
    {
        if (address is { } value)
        {
            Span<byte> bytes = stackalloc byte[Address.Size];
            value.WriteTo(bytes);
            AddBytes(bytes);
        }
        else
        {
            AddBytes([]);
        }
    }

    /// <summary>Appends an item that is already RLP-encoded (e.g. a nested list).</summary>
    public void AddEncoded(ReadOnlySpan<byte> encoded)
    {
        encoded.CopyTo(_payload.GetSpan(encoded.Length));
        _payload.Advance(encoded.Length);
    }

    /// <summary>The list's encoding, preceded by <paramref name="typePrefix"/> when given (typed transactions).</summary>
    public byte[] ToArray(byte? typePrefix = null)
    {
        var payload = _payload.WrittenSpan;
        var prefix = typePrefix is null ? 0 : 1;
        var result = new byte[prefix + RlpEncoder.HeaderLength(payload.Length) + payload.Length];
        if (typePrefix is { } type)
        {
            result[0] = type;
        }

        var offset = prefix + RlpEncoder.WriteHeader(result.AsSpan(prefix), payload.Length, 0xc0);
        payload.CopyTo(result.AsSpan(offset));
        return result;
    }
}
