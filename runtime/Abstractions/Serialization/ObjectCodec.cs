namespace Marketplace.Runtime.Serialization;

/// <summary>
/// Base of generated codecs for <c>[GenerateSerializer]</c> types. An object is written as an Object payload holding
/// its fields; when the runtime type is a subtype of <typeparamref name="T"/> it is written as a TypedObject carrying
/// the subtype's alias so the reader can pick the right codec.
/// </summary>
/// <typeparam name="T">The serialized type.</typeparam>
public abstract class ObjectCodec<T> : IFieldCodec<T>, IObjectCodec
{
    /// <inheritdoc />
    public Type Type => typeof(T);

    /// <inheritdoc />
    public abstract string Alias { get; }

    /// <inheritdoc />
    public void WriteField(CodecWriter writer, uint fieldId, T value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        if (!typeof(T).IsValueType && value.GetType() != typeof(T))
        {
            var codec = CodecRegistry.GetObjectCodec(value.GetType());
            writer.WriteFieldHeader(fieldId, WireType.TypedObject);
            writer.WriteString(codec.Alias);
            var s = writer.BeginObject();
            codec.WriteContentUntyped(writer, value);
            writer.EndObject(s);
            return;
        }

        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        WriteContent(writer, value);
        writer.EndObject(start);
    }

    /// <inheritdoc />
    public T ReadValue(CodecReader reader, WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Null:
                return default!;
            case WireType.Object:
                {
                    var end = reader.ReadObjectEnd();
                    var value = ReadContent(reader, end);
                    reader.Position = end;
                    return value;
                }

            case WireType.TypedObject:
                {
                    var alias = reader.ReadString();
                    var codec = CodecRegistry.GetObjectCodec(alias);
                    var end = reader.ReadObjectEnd();
                    var value = codec.ReadContentUntyped(reader, end);
                    reader.Position = end;
                    return value is T t ? t : throw new GrainSerializationException($"Type '{alias}' is not a {typeof(T)}.");
                }

            default:
                throw CodecReader.UnexpectedWireType(typeof(T), wireType);
        }
    }

    /// <summary>Writes the fields of <paramref name="value"/>.</summary>
    public abstract void WriteContent(CodecWriter writer, T value);

    /// <summary>Reads fields up to <paramref name="end"/>, skipping unknown ones.</summary>
    public abstract T ReadContent(CodecReader reader, int end);

    /// <inheritdoc />
    void IObjectCodec.WriteContentUntyped(CodecWriter writer, object value) => WriteContent(writer, (T)value);

    /// <inheritdoc />
    object IObjectCodec.ReadContentUntyped(CodecReader reader, int end) => ReadContent(reader, end)!;
}
