// Built-in codecs for value tuples of two and three elements: an Object with the items as fields 0, 1, 2.
namespace Marketplace.Runtime.Serialization.Codecs;

internal sealed class ValueTupleCodec<T1, T2>(IFieldCodec<T1> c1, IFieldCodec<T2> c2) : IFieldCodec<ValueTuple<T1, T2>>
{
    public void WriteField(CodecWriter writer, uint fieldId, ValueTuple<T1, T2> value)
    {
        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        c1.WriteField(writer, 0, value.Item1);
        c2.WriteField(writer, 1, value.Item2);
        writer.EndObject(start);
    }

    public ValueTuple<T1, T2> ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(ValueTuple<T1, T2>), wireType);
        }

        var end = reader.ReadObjectEnd();
        var result = default(ValueTuple<T1, T2>);
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0: result.Item1 = c1.ReadValue(reader, wt); break;
                case 1: result.Item2 = c2.ReadValue(reader, wt); break;
                default: reader.Skip(wt); break;
            }
        }

        return result;
    }
}

internal sealed class ValueTupleCodec<T1, T2, T3>(IFieldCodec<T1> c1, IFieldCodec<T2> c2, IFieldCodec<T3> c3) : IFieldCodec<ValueTuple<T1, T2, T3>>
{
    public void WriteField(CodecWriter writer, uint fieldId, ValueTuple<T1, T2, T3> value)
    {
        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        c1.WriteField(writer, 0, value.Item1);
        c2.WriteField(writer, 1, value.Item2);
        c3.WriteField(writer, 2, value.Item3);
        writer.EndObject(start);
    }

    public ValueTuple<T1, T2, T3> ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(ValueTuple<T1, T2, T3>), wireType);
        }

        var end = reader.ReadObjectEnd();
        var result = default(ValueTuple<T1, T2, T3>);
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0: result.Item1 = c1.ReadValue(reader, wt); break;
                case 1: result.Item2 = c2.ReadValue(reader, wt); break;
                case 2: result.Item3 = c3.ReadValue(reader, wt); break;
                default: reader.Skip(wt); break;
            }
        }

        return result;
    }
}
