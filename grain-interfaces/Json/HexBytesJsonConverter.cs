using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.GrainInterfaces.Json;

/// <summary>Bytes as a hex string: written lowercase without prefix; read in either case, with or without <c>0x</c>.</summary>
public sealed class HexBytesJsonConverter : JsonConverter<byte[]>
{
    /// <summary>The shared instance.</summary>
    public static HexBytesJsonConverter Instance { get; } = new();

    /// <inheritdoc />
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("Expected a hex string.");
        }

        var text = reader.GetString()!;
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.AsSpan(2) : text.AsSpan();
        if (digits.Length % 2 != 0)
        {
            throw new JsonException("A hex string needs an even number of digits.");
        }

        var bytes = new byte[digits.Length / 2];
        var status = Convert.FromHexString(digits, bytes, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done || written != bytes.Length)
        {
            throw new JsonException("The value is not a hex string.");
        }

        return bytes;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(Convert.ToHexStringLower(value));
    }
}
