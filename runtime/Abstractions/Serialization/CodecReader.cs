using System.Buffers.Binary;
using System.Text;

namespace Marketplace.Runtime.Serialization;

/// <summary>Reads the tag/length/value wire format from a block of memory.</summary>
/// <remarks>Every read checks bounds and throws <see cref="GrainSerializationException"/> on truncated or malformed data.</remarks>
public sealed class CodecReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    public CodecReader(ReadOnlyMemory<byte> data, ICodecContext? context = null)
    {
        _data = data;
        Context = context;
    }

    /// <summary>The runtime context for codecs (grain references).</summary>
    public ICodecContext? Context { get; }

    /// <summary>The read position.</summary>
    public int Position
    {
        get => _position;
        set => _position = value >= 0 && value <= _data.Length ? value : throw Malformed("position out of range");
    }

    /// <summary>Total length of the data.</summary>
    public int Length => _data.Length;

    /// <summary>Reads the next field header of an object ending at <paramref name="end"/>; false at the end.</summary>
    public bool TryReadFieldHeader(int end, out uint fieldId, out WireType wireType)
    {
        if (_position >= end)
        {
            fieldId = 0;
            wireType = default;
            return false;
        }

        var header = ReadVarUInt64();
        wireType = (WireType)(header & 7);
        var id = header >> 3;
        if (id > uint.MaxValue || wireType > WireType.TypedObject)
        {
            throw Malformed("bad field header");
        }

        fieldId = (uint)id;
        return true;
    }

    /// <summary>Reads an unsigned varint.</summary>
    public ulong ReadVarUInt64()
    {
        var span = _data.Span;
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            if (_position >= span.Length || shift > 63)
            {
                throw Malformed("truncated varint");
            }

            var b = span[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
        }
    }

    /// <summary>Reads a signed (zig-zag) varint.</summary>
    public long ReadVarInt64()
    {
        var v = ReadVarUInt64();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Reads four bytes little-endian.</summary>
    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Reads eight bytes little-endian.</summary>
    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a varint length and returns that many bytes.</summary>
    public ReadOnlySpan<byte> ReadLengthPrefixed()
    {
        var n = ReadVarUInt64();
        return n > int.MaxValue ? throw Malformed("length too large") : Take((int)n);
    }

    /// <summary>Reads a varint length and returns that many bytes as memory (no copy).</summary>
    public ReadOnlyMemory<byte> ReadLengthPrefixedMemory()
    {
        var n = ReadVarUInt64();
        if (n > (ulong)(_data.Length - _position))
        {
            throw Malformed("truncated bytes");
        }

        var m = _data.Slice(_position, (int)n);
        _position += (int)n;
        return m;
    }

    /// <summary>Reads a length-prefixed UTF-8 string.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadLengthPrefixed());

    /// <summary>Reads a nested object's 4-byte length and returns the position where it ends.</summary>
    public int ReadObjectEnd()
    {
        var n = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        if (n < 0 || n > _data.Length - _position)
        {
            throw Malformed("bad object length");
        }

        return _position + n;
    }

    /// <summary>Reads <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> ReadRaw(int count) => Take(count);

    /// <summary>Skips a field payload of the given wire type (used for unknown fields).</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.VarInt:
                ReadVarUInt64();
                break;
            case WireType.Fixed32:
                Take(4);
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.LengthPrefixed:
                ReadLengthPrefixed();
                break;
            case WireType.Null:
                break;
            case WireType.Object:
                _position = ReadObjectEnd();
                break;
            case WireType.TypedObject:
                ReadLengthPrefixed();
                _position = ReadObjectEnd();
                break;
            default:
                throw Malformed($"unknown wire type {wireType}");
        }
    }

    /// <summary>Creates the exception for an unexpected wire type.</summary>
    public static GrainSerializationException UnexpectedWireType(Type type, WireType wireType) =>
        new($"Cannot read {type} from wire type {wireType}.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw Malformed("truncated data");
        }

        var s = _data.Span.Slice(_position, count);
        _position += count;
        return s;
    }

    private GrainSerializationException Malformed(string what) => new($"Malformed serialized data at offset {_position}: {what}.");
}
