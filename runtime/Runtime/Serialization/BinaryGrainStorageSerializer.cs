using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Serialization;
using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Serialization;

/// <summary>
/// The default <see cref="IGrainStorageSerializer"/>: the runtime's version-tolerant binary format, with grain
/// references in state rebuilt against this silo.
/// </summary>
internal sealed class BinaryGrainStorageSerializer(SiloRuntimeClient runtime) : IGrainStorageSerializer
{
    public byte[] Serialize<T>(T value) => BinarySerializer.Serialize(value, runtime);

    public T Deserialize<T>(ReadOnlyMemory<byte> data) => BinarySerializer.Deserialize<T>(data, runtime);
}
