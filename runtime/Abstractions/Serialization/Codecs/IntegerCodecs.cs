// Built-in codecs for integers: signed as zig-zag varints, unsigned as varints. Reads accept any integer width
// that fits (checked), so widening a field (int -> long) stays wire compatible.
namespace Marketplace.Runtime.Serialization.Codecs;

internal sealed class SByteCodec : IFieldCodec<sbyte>
{
    public static readonly SByteCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, sbyte value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarInt64(value);
    }

    public sbyte ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((sbyte)reader.ReadVarInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(sbyte), wireType),
    };
}

internal sealed class Int16Codec : IFieldCodec<short>
{
    public static readonly Int16Codec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, short value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarInt64(value);
    }

    public short ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((short)reader.ReadVarInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(short), wireType),
    };
}

internal sealed class Int32Codec : IFieldCodec<int>
{
    public static readonly Int32Codec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, int value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarInt64(value);
    }

    public int ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((int)reader.ReadVarInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(int), wireType),
    };
}

internal sealed class Int64Codec : IFieldCodec<long>
{
    public static readonly Int64Codec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, long value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarInt64(value);
    }

    public long ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((long)reader.ReadVarInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(long), wireType),
    };
}

internal sealed class ByteCodec : IFieldCodec<byte>
{
    public static readonly ByteCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, byte value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarUInt64(value);
    }

    public byte ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((byte)reader.ReadVarUInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(byte), wireType),
    };
}

internal sealed class UInt16Codec : IFieldCodec<ushort>
{
    public static readonly UInt16Codec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, ushort value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarUInt64(value);
    }

    public ushort ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((ushort)reader.ReadVarUInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(ushort), wireType),
    };
}

internal sealed class UInt32Codec : IFieldCodec<uint>
{
    public static readonly UInt32Codec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, uint value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarUInt64(value);
    }

    public uint ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((uint)reader.ReadVarUInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(uint), wireType),
    };
}

internal sealed class UInt64Codec : IFieldCodec<ulong>
{
    public static readonly UInt64Codec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, ulong value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarUInt64(value);
    }

    public ulong ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((ulong)reader.ReadVarUInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(ulong), wireType),
    };
}

internal sealed class CharCodec : IFieldCodec<char>
{
    public static readonly CharCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, char value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarUInt64(value);
    }

    public char ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => checked((char)reader.ReadVarUInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(char), wireType),
    };
}
