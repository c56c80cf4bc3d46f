namespace Marketplace.Runtime.Serialization.Codecs;

/// <summary>
/// Codec for <see cref="object"/>-typed values (request-context entries): a TypedObject with the value's alias; scalars
/// use built-in aliases ("int", "string", ...), other types need a generated codec.
/// </summary>
internal sealed class UntypedObjectCodec : IFieldCodec<object?>
{
    public static readonly UntypedObjectCodec Instance = new();

    private static readonly Dictionary<Type, IObjectCodec> ByType = new();
    private static readonly Dictionary<string, IObjectCodec> ByAlias = new(StringComparer.Ordinal);

    static UntypedObjectCodec()
    {
        Add<int>("int");
        Add<long>("long");
        Add<uint>("uint");
        Add<ulong>("ulong");
        Add<bool>("bool");
        Add<double>("double");
        Add<decimal>("decimal");
        Add<string>("string");
        Add<Guid>("guid");
        Add<DateTime>("datetime");
        Add<DateTimeOffset>("datetimeoffset");
        Add<TimeSpan>("timespan");
        Add<byte[]>("bytes");
        Add<GrainId>("grainid");
    }

    public void WriteField(CodecWriter writer, uint fieldId, object? value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        var codec = ByType.TryGetValue(value.GetType(), out var c) ? c : CodecRegistry.GetObjectCodec(value.GetType());
        writer.WriteFieldHeader(fieldId, WireType.TypedObject);
        writer.WriteString(codec.Alias);
        var start = writer.BeginObject();
        codec.WriteContentUntyped(writer, value);
        writer.EndObject(start);
    }

    public object? ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return null;
        }

        if (wireType != WireType.TypedObject)
        {
            throw CodecReader.UnexpectedWireType(typeof(object), wireType);
        }

        var alias = reader.ReadString();
        var codec = ByAlias.TryGetValue(alias, out var c) ? c : CodecRegistry.GetObjectCodec(alias);
        var end = reader.ReadObjectEnd();
        var value = codec.ReadContentUntyped(reader, end);
        reader.Position = end;
        return value;
    }

    private static void Add<T>(string alias)
    {
        var codec = new Boxed<T>(alias, CodecRegistry.Get<T>());
        ByType[typeof(T)] = codec;
        ByAlias[alias] = codec;
    }

    private sealed class Boxed<T>(string alias, IFieldCodec<T> inner) : IObjectCodec
    {
        public Type Type => typeof(T);

        public string Alias => alias;

        public void WriteContentUntyped(CodecWriter writer, object value) => inner.WriteField(writer, 0, (T)value);

        public object ReadContentUntyped(CodecReader reader, int end)
        {
            T value = default!;
            while (reader.TryReadFieldHeader(end, out var id, out var wt))
            {
                if (id == 0)
                {
                    value = inner.ReadValue(reader, wt);
                }
                else
                {
                    reader.Skip(wt);
                }
            }

            return value!;
        }
    }
}
