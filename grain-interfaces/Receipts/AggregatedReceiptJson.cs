using System.Text.Json;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of an <see cref="AggregatedReceipt"/> (<c>kind: "aggregated"</c>), as <c>GET /v1/jobs/{id}/receipt</c>
/// answers it for a job its committee settled: the conventions of <see cref="ReceiptJson"/> (snake_case, lowercase hex,
/// roles as snake_case strings) and its strict reading (UTF-8, no duplicate, unknown or missing members, a canonical
/// receipt).
/// </summary>
public static class AggregatedReceiptJson
{
    private static readonly JsonSerializerOptions FileOptions = CreateOptions();

    /// <summary><paramref name="aggregated"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(AggregatedReceipt aggregated)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        return JsonSerializer.SerializeToUtf8Bytes(aggregated, FileOptions);
    }

    /// <summary>The aggregated receipt in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for
    /// anything but one JSON object of its shape with kind <c>aggregated</c> and a canonical receipt. Signatures, the
    /// hash and the members' keys are not checked here: that is a verifier's work.</summary>
    public static AggregatedReceipt Parse(ReadOnlySpan<byte> utf8Json)
    {
        AggregatedReceipt? aggregated;
        try
        {
            aggregated = JsonSerializer.Deserialize<AggregatedReceipt>(utf8Json, FileOptions);
        }
        catch (JsonException e)
        {
            throw new ReceiptFormatException($"not an aggregated receipt file: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ReceiptFormatException($"not an aggregated receipt file: {e.Message}", e);
        }

        if (aggregated is null || aggregated.Kind is null || aggregated.Receipt is null || aggregated.ReceiptHash is null
            || aggregated.Members is null || aggregated.SignerBitmap is null || aggregated.AggregateSignature is null
            || aggregated.DrawSeed is null || aggregated.Members.Exists(static m => m is null || m.WorkerId is null || m.PublicKey is null))
        {
            throw new ReceiptFormatException("not an aggregated receipt file: a member is null");
        }

        if (!string.Equals(aggregated.Kind, AggregatedReceipt.AggregatedKind, StringComparison.Ordinal))
        {
            throw new ReceiptFormatException($"kind: '{aggregated.Kind}' is not '{AggregatedReceipt.AggregatedKind}'");
        }

        if (aggregated.SignerBitmap.Length != (aggregated.Members.Count + 7) / 8)
        {
            throw new ReceiptFormatException($"signer_bitmap: {aggregated.SignerBitmap.Length} bytes for {aggregated.Members.Count} members, must be {(aggregated.Members.Count + 7) / 8}");
        }

        ReceiptCodec.Validate(aggregated.Receipt);
        return aggregated;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        MarketplaceJson.Configure(options);
        options.WriteIndented = true;
        options.AllowDuplicateProperties = false;
        options.MakeReadOnly();
        return options;
    }
}
