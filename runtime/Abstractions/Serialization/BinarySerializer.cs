namespace Marketplace.Runtime.Serialization;

/// <summary>Serializes one value as a top-level field (id 0) in the tag/length/value format.</summary>
public static class BinarySerializer
{
    /// <summary>Serializes <paramref name="value"/> to a new array.</summary>
    public static byte[] Serialize<T>(T value, ICodecContext? context = null)
    {
        using var writer = CodecWriter.Rent(context);
        CodecRegistry.Get<T>().WriteField(writer, 0, value);
        return writer.ToArray();
    }

    /// <summary>Serializes <paramref name="value"/> into <paramref name="writer"/>.</summary>
    public static void Serialize<T>(CodecWriter writer, T value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        CodecRegistry.Get<T>().WriteField(writer, 0, value);
    }

    /// <summary>Deserializes a value written by <see cref="Serialize{T}(T, ICodecContext)"/>.</summary>
    /// <exception cref="GrainSerializationException">The data is malformed or holds no value.</exception>
    public static T Deserialize<T>(ReadOnlyMemory<byte> data, ICodecContext? context = null)
    {
        var reader = new CodecReader(data, context);
        var codec = CodecRegistry.Get<T>();
        T result = default!;
        var found = false;
        while (reader.TryReadFieldHeader(data.Length, out var id, out var wt))
        {
            if (id == 0 && !found)
            {
                result = codec.ReadValue(reader, wt);
                found = true;
            }
            else
            {
                reader.Skip(wt);
            }
        }

        return found ? result : throw new GrainSerializationException($"No {typeof(T).Name} value in the data.");
    }
}
