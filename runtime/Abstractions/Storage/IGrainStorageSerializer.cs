namespace Marketplace.Runtime.Storage;

/// <summary>Turns grain state into bytes for a storage provider and back.</summary>
public interface IGrainStorageSerializer
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value written by <see cref="Serialize{T}"/>, tolerating added or removed fields.</summary>
    T Deserialize<T>(ReadOnlyMemory<byte> data);
}
