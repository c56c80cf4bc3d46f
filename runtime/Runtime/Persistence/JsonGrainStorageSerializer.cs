using System.Text.Json;
using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// Grain state as UTF-8 JSON (System.Text.Json), the readable alternative to the default binary serializer
/// (like Orleans' JSON grain storage serializer). Unknown JSON properties are ignored and missing ones keep their
/// defaults, so added or removed fields are tolerated.
/// </summary>
/// <remarks>
/// Values are written as their declared state type (no polymorphism unless the options configure it). Pass options
/// whose <see cref="JsonSerializerOptions.TypeInfoResolver"/> is a source-generated <c>JsonSerializerContext</c> to
/// avoid reflection. Select it per storage with <see cref="AdoNetGrainStorageOptions.Serializer"/> or for all
/// storages by registering it as the <see cref="IGrainStorageSerializer"/> service.
/// </remarks>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates the serializer with default System.Text.Json options.</summary>
    public JsonGrainStorageSerializer()
        : this(new JsonSerializerOptions(JsonSerializerDefaults.General))
    {
    }

    /// <summary>Creates the serializer with the given options (they become read-only on first use).</summary>
    public JsonGrainStorageSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    /// <inheritdoc />
    /// <exception cref="JsonException">The data is not JSON for <typeparamref name="T"/>.</exception>
    public T Deserialize<T>(ReadOnlyMemory<byte> data) => JsonSerializer.Deserialize<T>(data.Span, _options)!;
}
