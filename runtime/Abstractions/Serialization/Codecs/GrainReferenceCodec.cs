using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Serialization.Codecs;

/// <summary>
/// Grain references travel as their grain id plus the interface's wire name; the reader rebuilds a proxy through the
/// codec context's grain factory, so a reference read on another silo calls through that silo's runtime.
/// </summary>
internal sealed class GrainReferenceCodec<T> : IFieldCodec<T>
    where T : class?, IAddressable?
{
    public void WriteField(CodecWriter writer, uint fieldId, T value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        var id = value.GetGrainId();
        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        GrainIdCodec.Instance.WriteField(writer, 0, id);
        if (value is GrainReference reference)
        {
            writer.WriteFieldHeader(1, WireType.LengthPrefixed);
            writer.WriteString(reference.InterfaceName);
        }

        writer.EndObject(start);
    }

    public T ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return default!;
        }

        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(T), wireType);
        }

        var end = reader.ReadObjectEnd();
        GrainId id = default;
        string? interfaceName = null;
        while (reader.TryReadFieldHeader(end, out var field, out var wt))
        {
            if (field == 0)
            {
                id = GrainIdCodec.Instance.ReadValue(reader, wt);
            }
            else if (field == 1 && wt == WireType.LengthPrefixed)
            {
                interfaceName = reader.ReadString();
            }
            else
            {
                reader.Skip(wt);
            }
        }

        var factory = reader.Context?.GrainFactory
            ?? throw new GrainSerializationException($"A grain reference ({typeof(T).Name}) can only be deserialized inside a runtime (no grain factory in the codec context).");
        return (T)(object)GrainInterfaceRegistry.CreateReference(typeof(T), interfaceName, id, factory);
    }
}
