// Design: one set of JSON settings for the HTTP API, shared by the silo (server) and the sdk (client) so both agree
// on every wire name. The data types stay plain (no JSON attributes): a type-info modifier renames the few members
// whose wire name differs from the snake_case of their CLR name (inline bytes travel as `input_base64`/`wasm_base64`,
// signatures as `signature_hex`), writes receipts' hashes, keys and signatures as hex, drops `client_id` from job submissions (the server takes it from the API key) and
// `name` from delegations (the request path names it), and makes request bodies strict (unknown members and missing
// required members are errors, not silently ignored).
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Marketplace.GrainInterfaces.Json;

/// <summary>
/// The marketplace's JSON wire format: snake_case member names, enums as snake_case strings, <c>byte[]</c> as base64,
/// dictionary keys (labels, constraints) verbatim.
/// </summary>
public static class MarketplaceJson
{
    private static readonly JsonNamingPolicy Naming = JsonNamingPolicy.SnakeCaseLower;

    /// <summary>Read-only options in the wire format; use them for every API body.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Applies the wire format to <paramref name="options"/> (for example ASP.NET Core's HTTP JSON options,
    /// so generated OpenAPI schemas match the wire).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = Naming;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.AllowTrailingCommas = false;
        options.MaxDepth = 32;
        // API bodies are never embedded in HTML: keep quotes and angle brackets readable.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(Naming, allowIntegerValues: false));
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(ApplyWireShapes);
        options.TypeInfoResolverChain.Insert(0, resolver);
    }

    /// <summary>The wire name of an enum value, e.g. <c>timed_out</c> for <see cref="JobStatus.TimedOut"/>.</summary>
    public static string EnumName<TEnum>(TEnum value)
        where TEnum : struct, Enum => Naming.ConvertName(value.ToString());

    /// <summary>Parses a wire enum name (<c>timed_out</c>); false for anything else, numbers included.</summary>
    public static bool TryParseEnum<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(EnumName(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        options.MakeReadOnly();
        return options;
    }

    private static void ApplyWireShapes(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        if (type.Type == typeof(JobSubmission))
        {
            type.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            for (var i = type.Properties.Count - 1; i >= 0; i--)
            {
                var property = type.Properties[i];
                switch (property.AttributeProvider is System.Reflection.MemberInfo member ? member.Name : "")
                {
                    case nameof(JobSubmission.ClientId):
                        type.Properties.RemoveAt(i);
                        break;
                    case nameof(JobSubmission.InputInline):
                        property.Name = "input_base64";
                        break;
                    case nameof(JobSubmission.Program):
                        property.IsRequired = true;
                        break;
                }
            }
        }
        else if (type.Type == typeof(ProgramDelegation))
        {
            type.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            for (var i = type.Properties.Count - 1; i >= 0; i--)
            {
                var property = type.Properties[i];
                switch (property.AttributeProvider is System.Reflection.MemberInfo member ? member.Name : "")
                {
                    case nameof(ProgramDelegation.Name):
                        type.Properties.RemoveAt(i);
                        break;
                    case nameof(ProgramDelegation.Signature):
                        property.Name = "signature_hex";
                        property.IsRequired = true;
                        property.CustomConverter = HexBytesJsonConverter.Instance;
                        break;
                    case nameof(ProgramDelegation.Delegate):
                    case nameof(ProgramDelegation.Action):
                    case nameof(ProgramDelegation.Nonce):
                        property.IsRequired = true;
                        break;
                }
            }
        }
        else if (type.Type == typeof(ExecutionReceipt) || type.Type == typeof(SignedExecutionReceipt)
            || type.Type == typeof(AggregatedReceipt) || type.Type == typeof(CommitteeMember)
            || type.Type == typeof(WorkerKeyRegistry) || type.Type == typeof(RegisteredWorkerKey)
            || type.Type == typeof(ReceiptBatchProof) || type.Type == typeof(JobHistory) || type.Type == typeof(JobHistoryEntry)
            || type.Type == typeof(LedgerJournalPage) || type.Type == typeof(LedgerEntry) || type.Type == typeof(LedgerPosting)
            || type.Type == typeof(ChainJobTerms))
        {
            // Receipts, the worker key registry and a job's chain terms travel as files too (receipt.json,
            // registry.json, terms.json): every member is required but a receipt's batch (absent for a receipt
            // signed alone), none unknown, bytes are hex.
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
        else if (type.Type == typeof(ProgramDeployment))
        {
            type.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            foreach (var property in type.Properties)
            {
                switch (property.AttributeProvider is System.Reflection.MemberInfo member ? member.Name : "")
                {
                    case nameof(ProgramDeployment.Wasm):
                        property.Name = "wasm_base64";
                        property.IsRequired = true;
                        break;
                    case nameof(ProgramDeployment.Signature):
                        property.Name = "signature_hex";
                        property.IsRequired = true;
                        property.CustomConverter = HexBytesJsonConverter.Instance;
                        break;
                    case nameof(ProgramDeployment.Manifest):
                        property.IsRequired = true;
                        break;
                }
            }
        }
    }
}
