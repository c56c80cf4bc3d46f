// Built-in codecs for non-integer scalars: bool, floating point, decimal, strings, bytes, GUIDs and time values.
using System.Buffers.Binary;

namespace Marketplace.Runtime.Serialization.Codecs;

internal sealed class BooleanCodec : IFieldCodec<bool>
{
    public static readonly BooleanCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, bool value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarUInt64(value ? 1UL : 0UL);
    }

    public bool ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => reader.ReadVarUInt64() != 0,
        WireType.Null => false,
        _ => throw CodecReader.UnexpectedWireType(typeof(bool), wireType),
    };
}

internal sealed class SingleCodec : IFieldCodec<float>
{
    public static readonly SingleCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, float value)
    {
        writer.WriteFieldHeader(fieldId, WireType.Fixed32);
        writer.WriteFixed32(BitConverter.SingleToUInt32Bits(value));
    }

    public float ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.Fixed32 => BitConverter.UInt32BitsToSingle(reader.ReadFixed32()),
        WireType.Fixed64 => (float)BitConverter.UInt64BitsToDouble(reader.ReadFixed64()),
        WireType.Null => 0,
        _ => throw CodecReader.UnexpectedWireType(typeof(float), wireType),
    };
}

internal sealed class DoubleCodec : IFieldCodec<double>
{
    public static readonly DoubleCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, double value)
    {
        writer.WriteFieldHeader(fieldId, WireType.Fixed64);
        writer.WriteFixed64(BitConverter.DoubleToUInt64Bits(value));
    }

    public double ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.Fixed64 => BitConverter.UInt64BitsToDouble(reader.ReadFixed64()),
        WireType.Fixed32 => BitConverter.UInt32BitsToSingle(reader.ReadFixed32()),
        WireType.Null => 0,
        _ => throw CodecReader.UnexpectedWireType(typeof(double), wireType),
    };
}

internal sealed class DecimalCodec : IFieldCodec<decimal>
{
    public static readonly DecimalCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, decimal value)
    {
        writer.WriteFieldHeader(fieldId, WireType.LengthPrefixed);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        writer.WriteVarUInt64(16);
        var span = writer.GetSpan(16);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(i * 4)..], bits[i]);
        }

        writer.Advance(16);
    }

    public decimal ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return 0;
        }

        if (wireType != WireType.LengthPrefixed)
        {
            throw CodecReader.UnexpectedWireType(typeof(decimal), wireType);
        }

        var span = reader.ReadLengthPrefixed();
        if (span.Length != 16)
        {
            throw new GrainSerializationException("A decimal must be 16 bytes.");
        }

        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(i * 4)..]);
        }

        return new decimal(bits);
    }
}

internal sealed class StringCodec : IFieldCodec<string?>
{
    public static readonly StringCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, string? value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        writer.WriteFieldHeader(fieldId, WireType.LengthPrefixed);
        writer.WriteString(value);
    }

    public string? ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.LengthPrefixed => reader.ReadString(),
        WireType.Null => null,
        _ => throw CodecReader.UnexpectedWireType(typeof(string), wireType),
    };
}

internal sealed class ByteArrayCodec : IFieldCodec<byte[]?>
{
    public static readonly ByteArrayCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        writer.WriteFieldHeader(fieldId, WireType.LengthPrefixed);
        writer.WriteLengthPrefixed(value);
    }

    public byte[]? ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.LengthPrefixed => reader.ReadLengthPrefixed().ToArray(),
        WireType.Null => null,
        _ => throw CodecReader.UnexpectedWireType(typeof(byte[]), wireType),
    };
}

internal sealed class ByteMemoryCodec : IFieldCodec<ReadOnlyMemory<byte>>
{
    public static readonly ByteMemoryCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, ReadOnlyMemory<byte> value)
    {
        writer.WriteFieldHeader(fieldId, WireType.LengthPrefixed);
        writer.WriteLengthPrefixed(value.Span);
    }

    public ReadOnlyMemory<byte> ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.LengthPrefixed => reader.ReadLengthPrefixed().ToArray(),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(ReadOnlyMemory<byte>), wireType),
    };
}

internal sealed class GuidCodec : IFieldCodec<Guid>
{
    public static readonly GuidCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, Guid value)
    {
        writer.WriteFieldHeader(fieldId, WireType.LengthPrefixed);
        writer.WriteVarUInt64(16);
        value.TryWriteBytes(writer.GetSpan(16));
        writer.Advance(16);
    }

    public Guid ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.LengthPrefixed => new Guid(reader.ReadLengthPrefixed()),
        WireType.Null => Guid.Empty,
        _ => throw CodecReader.UnexpectedWireType(typeof(Guid), wireType),
    };
}

internal sealed class DateTimeCodec : IFieldCodec<DateTime>
{
    public static readonly DateTimeCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, DateTime value)
    {
        writer.WriteFieldHeader(fieldId, WireType.Fixed64);
        writer.WriteFixed64((ulong)value.ToBinary());
    }

    public DateTime ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.Fixed64 => DateTime.FromBinary((long)reader.ReadFixed64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(DateTime), wireType),
    };
}

internal sealed class DateTimeOffsetCodec : IFieldCodec<DateTimeOffset>
{
    public static readonly DateTimeOffsetCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, DateTimeOffset value)
    {
        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        writer.WriteFieldHeader(0, WireType.VarInt);
        writer.WriteVarInt64(value.Ticks);
        writer.WriteFieldHeader(1, WireType.VarInt);
        writer.WriteVarInt64(value.Offset.Ticks);
        writer.EndObject(start);
    }

    public DateTimeOffset ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return default;
        }

        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(DateTimeOffset), wireType);
        }

        var end = reader.ReadObjectEnd();
        long ticks = 0, offset = 0;
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0 when wt == WireType.VarInt: ticks = reader.ReadVarInt64(); break;
                case 1 when wt == WireType.VarInt: offset = reader.ReadVarInt64(); break;
                default: reader.Skip(wt); break;
            }
        }

        return new DateTimeOffset(ticks, TimeSpan.FromTicks(offset));
    }
}

internal sealed class TimeSpanCodec : IFieldCodec<TimeSpan>
{
    public static readonly TimeSpanCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, TimeSpan value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarInt64(value.Ticks);
    }

    public TimeSpan ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => TimeSpan.FromTicks(reader.ReadVarInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(TimeSpan), wireType),
    };
}

internal sealed class GrainIdCodec : IFieldCodec<GrainId>
{
    public static readonly GrainIdCodec Instance = new();

    public void WriteField(CodecWriter writer, uint fieldId, GrainId value)
    {
        if (value.IsDefault)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        WriteContent(writer, value);
        writer.EndObject(start);
    }

    public GrainId ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return default;
        }

        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(GrainId), wireType);
        }

        var end = reader.ReadObjectEnd();
        return ReadContent(reader, end);
    }

    internal static void WriteContent(CodecWriter writer, GrainId value)
    {
        writer.WriteFieldHeader(0, WireType.LengthPrefixed);
        writer.WriteString(value.Type);
        writer.WriteFieldHeader(1, WireType.LengthPrefixed);
        writer.WriteString(value.Key);
    }

    internal static GrainId ReadContent(CodecReader reader, int end)
    {
        string? type = null, key = null;
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0 when wt == WireType.LengthPrefixed: type = reader.ReadString(); break;
                case 1 when wt == WireType.LengthPrefixed: key = reader.ReadString(); break;
                default: reader.Skip(wt); break;
            }
        }

        reader.Position = end;
        return type is null || key is null ? throw new GrainSerializationException("A grain id needs a type and a key.") : new GrainId(type, key);
    }
}
