using System.Text.Json;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of a <see cref="SignedExecutionReceipt"/>, as <c>GET /v1/jobs/{id}/receipt</c> answers it and
/// <c>marketplace job-receipt --out receipt.json</c> writes it: snake_case members, hashes, keys and signatures as
/// lowercase hex, enums as snake_case strings, the timestamp in ISO 8601. Reading is strict: UTF-8 only, no duplicate,
/// unknown or missing members, and every receipt field canonical (<see cref="ReceiptCodec.Validate"/>).
/// </summary>
public static class ReceiptJson
{
    private static readonly JsonSerializerOptions FileOptions = CreateOptions();

    /// <summary><paramref name="signed"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(SignedExecutionReceipt signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        return JsonSerializer.SerializeToUtf8Bytes(signed, FileOptions);
    }

    /// <summary>The signed receipt in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for
    /// anything but one JSON object of the receipt's shape with canonical fields. The hash and signature are not
    /// checked here: that is <see cref="ReceiptVerifier"/>'s work.</summary>
    public static SignedExecutionReceipt Parse(ReadOnlySpan<byte> utf8Json)
    {
        SignedExecutionReceipt? signed;
        try
        {
            signed = JsonSerializer.Deserialize<SignedExecutionReceipt>(utf8Json, FileOptions);
        }
        catch (JsonException e)
        {
            throw new ReceiptFormatException($"not a receipt file: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ReceiptFormatException($"not a receipt file: {e.Message}", e);
        }

        if (signed is null || signed.Receipt is null || signed.Kind is null || signed.ReceiptHash is null
            || signed.WorkerPublicKey is null || signed.Signature is null)
        {
            throw new ReceiptFormatException("not a receipt file: a member is null");
        }

        ReceiptCodec.Validate(signed.Receipt);
        return signed;
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
