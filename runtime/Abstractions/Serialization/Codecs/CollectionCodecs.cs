// Built-in codecs for collections. Layout: an Object whose field 0 is the element count and whose elements follow as
// field 1 each (dictionaries: key as field 1, value as field 2, alternating). Interface-typed fields (IReadOnlyList,
// IList, IEnumerable, ...) are read back as List<T> / Dictionary<TKey, TValue>.
namespace Marketplace.Runtime.Serialization.Codecs;

internal abstract class SequenceCodec<TCollection, T>(IFieldCodec<T> element) : IFieldCodec<TCollection>
    where TCollection : class?, IEnumerable<T>?
{
    protected IFieldCodec<T> Element { get; } = element;

    public void WriteField(CodecWriter writer, uint fieldId, TCollection value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        writer.WriteFieldHeader(0, WireType.VarInt);
        writer.WriteVarUInt64((ulong)Count(value));
        foreach (var item in value)
        {
            Element.WriteField(writer, 1, item);
        }

        writer.EndObject(start);
    }

    public TCollection ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return default!;
        }

        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(TCollection), wireType);
        }

        var end = reader.ReadObjectEnd();
        var count = 0;
        var items = new List<T>();
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            if (id == 0 && wt == WireType.VarInt)
            {
                var n = reader.ReadVarUInt64();
                count = n <= (ulong)(end - reader.Position) ? (int)n : throw new GrainSerializationException("Collection count exceeds its data.");
                items.Capacity = count;
            }
            else if (id == 1)
            {
                items.Add(Element.ReadValue(reader, wt));
            }
            else
            {
                reader.Skip(wt);
            }
        }

        return Create(items);
    }

    protected abstract int Count(TCollection value);

    protected abstract TCollection Create(List<T> items);
}

internal sealed class ArrayCodec<T>(IFieldCodec<T> element) : SequenceCodec<T[]?, T>(element)
{
    protected override int Count(T[]? value) => value!.Length;

    protected override T[]? Create(List<T> items) => items.ToArray();
}

internal sealed class ListCodec<T>(IFieldCodec<T> element) : SequenceCodec<List<T>?, T>(element)
{
    protected override int Count(List<T>? value) => value!.Count;

    protected override List<T>? Create(List<T> items) => items;
}

internal sealed class HashSetCodec<T>(IFieldCodec<T> element) : SequenceCodec<HashSet<T>?, T>(element)
{
    protected override int Count(HashSet<T>? value) => value!.Count;

    protected override HashSet<T>? Create(List<T> items) => [.. items];
}

/// <summary>For IReadOnlyList, IList, ICollection, IReadOnlyCollection and IEnumerable fields.</summary>
internal sealed class EnumerableCodec<TInterface, T>(IFieldCodec<T> element) : SequenceCodec<TInterface, T>(element)
    where TInterface : class?, IEnumerable<T>?
{
    protected override int Count(TInterface value) => value switch
    {
        ICollection<T> c => c.Count,
        IReadOnlyCollection<T> c => c.Count,
        _ => value!.Count(),
    };

    protected override TInterface Create(List<T> items) => (TInterface)(object)items;
}

internal sealed class DictionaryCodec<TDictionary, TKey, TValue>(IFieldCodec<TKey> key, IFieldCodec<TValue> value) : IFieldCodec<TDictionary>
    where TDictionary : class?, IEnumerable<KeyValuePair<TKey, TValue>>?
    where TKey : notnull
{
    public void WriteField(CodecWriter writer, uint fieldId, TDictionary dictionary)
    {
        if (dictionary is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        foreach (var pair in dictionary)
        {
            key.WriteField(writer, 1, pair.Key);
            value.WriteField(writer, 2, pair.Value);
        }

        writer.EndObject(start);
    }

    public TDictionary ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return default!;
        }

        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(TDictionary), wireType);
        }

        var end = reader.ReadObjectEnd();
        var result = new Dictionary<TKey, TValue>();
        TKey? pendingKey = default;
        var hasKey = false;
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            if (id == 1)
            {
                pendingKey = key.ReadValue(reader, wt);
                hasKey = true;
            }
            else if (id == 2 && hasKey)
            {
                result[pendingKey!] = value.ReadValue(reader, wt);
                hasKey = false;
            }
            else
            {
                reader.Skip(wt);
            }
        }

        return (TDictionary)(object)result;
    }
}

internal sealed class KeyValuePairCodec<TKey, TValue>(IFieldCodec<TKey> key, IFieldCodec<TValue> value) : IFieldCodec<KeyValuePair<TKey, TValue>>
{
    public void WriteField(CodecWriter writer, uint fieldId, KeyValuePair<TKey, TValue> pair)
    {
        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        key.WriteField(writer, 0, pair.Key);
        value.WriteField(writer, 1, pair.Value);
        writer.EndObject(start);
    }

    public KeyValuePair<TKey, TValue> ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(KeyValuePair<TKey, TValue>), wireType);
        }

        var end = reader.ReadObjectEnd();
        TKey k = default!;
        TValue v = default!;
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0: k = key.ReadValue(reader, wt); break;
                case 1: v = value.ReadValue(reader, wt); break;
                default: reader.Skip(wt); break;
            }
        }

        return new KeyValuePair<TKey, TValue>(k, v);
    }
}

internal sealed class NullableCodec<T>(IFieldCodec<T> inner) : IFieldCodec<T?>
    where T : struct
{
    public void WriteField(CodecWriter writer, uint fieldId, T? value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        inner.WriteField(writer, fieldId, value.Value);
    }

    public T? ReadValue(CodecReader reader, WireType wireType) =>
        wireType == WireType.Null ? null : inner.ReadValue(reader, wireType);
}

internal sealed class EnumCodec<T> : IFieldCodec<T>
    where T : struct, Enum
{
    public void WriteField(CodecWriter writer, uint fieldId, T value)
    {
        writer.WriteFieldHeader(fieldId, WireType.VarInt);
        writer.WriteVarInt64(ToInt64(value));
    }

    public T ReadValue(CodecReader reader, WireType wireType) => wireType switch
    {
        WireType.VarInt => FromInt64(reader.ReadVarInt64()),
        WireType.Null => default,
        _ => throw CodecReader.UnexpectedWireType(typeof(T), wireType),
    };

    private static long ToInt64(T value) => System.Runtime.CompilerServices.Unsafe.SizeOf<T>() switch
    {
        1 => System.Runtime.CompilerServices.Unsafe.As<T, sbyte>(ref value),
        2 => System.Runtime.CompilerServices.Unsafe.As<T, short>(ref value),
        4 => System.Runtime.CompilerServices.Unsafe.As<T, int>(ref value),
        _ => System.Runtime.CompilerServices.Unsafe.As<T, long>(ref value),
    };

    private static T FromInt64(long value)
    {
        switch (System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            case 1:
                var b = (sbyte)value;
                return System.Runtime.CompilerServices.Unsafe.As<sbyte, T>(ref b);
            case 2:
                var s = (short)value;
                return System.Runtime.CompilerServices.Unsafe.As<short, T>(ref s);
            case 4:
                var i = (int)value;
                return System.Runtime.CompilerServices.Unsafe.As<int, T>(ref i);
            default:
                return System.Runtime.CompilerServices.Unsafe.As<long, T>(ref value);
        }
    }
}
