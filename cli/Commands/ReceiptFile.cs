using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Cli.Commands;

/// <summary>Reads the receipt out of a receipt file of either kind: <c>executor</c> (parsed strictly by
/// <see cref="ReceiptJson"/>) or <c>aggregated</c> (the same <c>receipt</c> member inside a committee's signatures).
/// Signatures are not checked here: that is <c>verify-receipt</c>'s work.</summary>
internal static class ReceiptFile
{
    public static ExecutionReceipt Read(byte[] bytes)
    {
        string? kind;
        JsonElement receipt;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("kind", out var kindMember) || kindMember.ValueKind != JsonValueKind.String
                || !document.RootElement.TryGetProperty("receipt", out var receiptMember) || receiptMember.ValueKind != JsonValueKind.Object)
            {
                throw new ReceiptFormatException("not a receipt file: it needs a string member 'kind' and an object member 'receipt'");
            }

            kind = kindMember.GetString();
            receipt = receiptMember.Clone();
        }
        catch (JsonException e)
        {
            throw new ReceiptFormatException($"not a receipt file: {e.Message}", e);
        }

        switch (kind)
        {
            case SignedExecutionReceipt.ExecutorKind:
                return ReceiptJson.Parse(bytes).Receipt;
            case AggregatedReceipt.AggregatedKind:
                ExecutionReceipt? inner;
                try
                {
                    inner = receipt.Deserialize<ExecutionReceipt>(MarketplaceJson.Options);
                }
                catch (JsonException e)
                {
                    throw new ReceiptFormatException($"receipt: {e.Message}", e);
                }

                ReceiptCodec.Validate(inner ?? throw new ReceiptFormatException("receipt: null"));
                return inner;
            default:
                throw new ReceiptFormatException($"kind '{kind}' is neither '{SignedExecutionReceipt.ExecutorKind}' nor '{AggregatedReceipt.AggregatedKind}'");
        }
    }
}
