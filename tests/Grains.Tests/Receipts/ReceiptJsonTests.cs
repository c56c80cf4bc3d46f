using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>The receipt file (<c>receipt.json</c>): snake_case and hex, a lossless round trip, strict reading.</summary>
public sealed class ReceiptJsonTests
{
    [Fact]
    public void AReceiptFileRoundTripsWithSnakeCaseNamesAndHexHashes()
    {
        using var key = ReceiptSamples.Key();
        var signed = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        var json = ReceiptJson.Serialize(signed);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("executor", root.GetProperty("kind").GetString());
        Assert.Equal(Convert.ToHexStringLower(signed.ReceiptHash), root.GetProperty("receipt_hash").GetString());
        Assert.Equal(96 * 2, root.GetProperty("signature").GetString()!.Length);
        Assert.Equal(48 * 2, root.GetProperty("worker_public_key").GetString()!.Length);
        var receipt = root.GetProperty("receipt");
        Assert.Equal(new string('5', 64), receipt.GetProperty("output_hash").GetString());
        Assert.Equal("wasi", receipt.GetProperty("abi").GetString());
        Assert.Equal("completed", receipt.GetProperty("outcome").GetString());
        Assert.Equal(351, receipt.GetProperty("fuel_consumed").GetInt64());

        var back = ReceiptJson.Parse(json);
        Assert.Equal(ReceiptCodec.Encode(signed.Receipt), ReceiptCodec.Encode(back.Receipt));
        Assert.Equal(signed.Signature, back.Signature);
        Assert.Equal(json, ReceiptJson.Serialize(back));
        Assert.True(ReceiptVerifier.VerifySigned(back).IsValid);
    }

    [Fact]
    public void UnknownMissingAndDuplicateMembersAreRejected()
    {
        using var key = ReceiptSamples.Key();
        var json = Encoding.UTF8.GetString(ReceiptJson.Serialize(ReceiptSamples.Sign(ReceiptSamples.Golden(), key)));

        Assert.Throws<ReceiptFormatException>(() => Parse(json.Replace("\"kind\"", "\"extra\": 1,\n  \"kind\"", StringComparison.Ordinal)));
        Assert.Throws<ReceiptFormatException>(() => Parse(json.Replace("\"worker_id\"", "\"worker\"", StringComparison.Ordinal)));
        Assert.Throws<ReceiptFormatException>(() => Parse(json.Replace("\"kind\": \"executor\",", "", StringComparison.Ordinal)));
        Assert.Throws<ReceiptFormatException>(() => Parse(json.Replace("\"kind\": \"executor\",", "\"kind\": \"executor\", \"kind\": \"executor\",", StringComparison.Ordinal)));
        Assert.Throws<ReceiptFormatException>(() => Parse(json.Replace(new string('5', 64), new string('5', 62), StringComparison.Ordinal)));
        Assert.Throws<ReceiptFormatException>(() => Parse(json.Replace("\"wasi\"", "\"wasm\"", StringComparison.Ordinal)));
        Assert.Throws<ReceiptFormatException>(() => Parse("not json"));
        Assert.Throws<ReceiptFormatException>(() => Parse("null"));
    }

    private static SignedExecutionReceipt Parse(string json) => ReceiptJson.Parse(Encoding.UTF8.GetBytes(json));
}
