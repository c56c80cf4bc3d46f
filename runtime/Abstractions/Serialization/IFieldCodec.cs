namespace Marketplace.Runtime.Serialization;

/// <summary>Writes and reads values of <typeparamref name="T"/> as fields.</summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IFieldCodec<T>
{
    /// <summary>Writes the field header and payload (or a null marker).</summary>
    void WriteField(CodecWriter writer, uint fieldId, T value);

    /// <summary>Reads a payload whose header announced <paramref name="wireType"/>.</summary>
    T ReadValue(CodecReader reader, WireType wireType);
}

/// <summary>An object codec addressed by runtime type or alias (for polymorphic fields).</summary>
public interface IObjectCodec
{
    /// <summary>The type this codec handles.</summary>
    Type Type { get; }

    /// <summary>The wire alias of the type.</summary>
    string Alias { get; }

    /// <summary>Writes the object's fields (no header, no length).</summary>
    void WriteContentUntyped(CodecWriter writer, object value);

    /// <summary>Reads the object's fields up to <paramref name="end"/>.</summary>
    object ReadContentUntyped(CodecReader reader, int end);
}

/// <summary>What codecs may need from the surrounding runtime, e.g. to rebuild grain references.</summary>
public interface ICodecContext
{
    /// <summary>The grain factory used to rebuild grain references; null when references are not supported.</summary>
    IGrainFactory? GrainFactory { get; }
}
