// Design: the file forms that travel beside receipt.json (aggregated receipts, the key registry, double-sign evidence)
// share the receipt file's strictness: every member required, none unknown or repeated, bytes as hex. They get their
// own options instead of entries in MarketplaceJson so the API's wire shapes stay in one place and these stay here.
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>The JSON options of the strict file forms (<see cref="AggregatedReceiptJson"/>,
/// <see cref="WorkerKeyRegistryJson"/>, <see cref="DoubleSignEvidenceJson"/>, <see cref="JobHistoryJson"/>,
/// <see cref="LedgerHistoryJson"/>).</summary>
internal static class ReceiptFileJson
{
    /// <summary>Indented, strict, snake_case, bytes as hex.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Deserializes <paramref name="utf8Json"/>, turning every JSON error into a
    /// <see cref="ReceiptFormatException"/> that starts with <paramref name="what"/>.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> utf8Json, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(utf8Json, Options)
                ?? throw new ReceiptFormatException($"not {what}: the file is JSON null");
        }
        catch (JsonException e)
        {
            throw new ReceiptFormatException($"not {what}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ReceiptFormatException($"not {what}: {e.Message}", e);
        }
    }

    /// <summary>The <c>kind</c> member of a receipt file's top-level object, or null when there is none (or the bytes
    /// are not a JSON object).</summary>
    public static string? KindOf(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKind = reader.ValueTextEquals("kind"u8);
                reader.Read();
                if (isKind)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        MarketplaceJson.Configure(options);
        options.WriteIndented = true;
        options.AllowDuplicateProperties = false;
        options.TypeInfoResolver = options.TypeInfoResolver!.WithAddedModifier(Strict);
        options.MakeReadOnly();
        return options;
    }

    private static void Strict(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || !IsFileType(type.Type))
        {
            return;
        }

        type.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        foreach (var property in type.Properties)
        {
            property.IsRequired = property.PropertyType != typeof(ReceiptBatchProof);
            if (property.PropertyType == typeof(byte[]))
            {
                property.CustomConverter = HexBytesJsonConverter.Instance;
            }
        }
    }

    private static bool IsFileType(Type type) =>
        type == typeof(ExecutionReceipt) || type == typeof(AggregatedReceipt) || type == typeof(CommitteeMember)
        || type == typeof(WorkerKeyRegistry) || type == typeof(RegisteredWorkerKey)
        || type == typeof(DoubleSignEvidence) || type == typeof(ConflictingSignature) || type == typeof(ReceiptBatchProof)
        || type == typeof(JobHistory) || type == typeof(JobHistoryEntry)
        || type == typeof(LedgerHistory) || type == typeof(LedgerEntry) || type == typeof(LedgerPosting);
}
