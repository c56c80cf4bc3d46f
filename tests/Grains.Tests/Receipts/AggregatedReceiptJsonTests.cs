using System.Text;
using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>The aggregated receipt file: member names, hex, strict reading.</summary>
public sealed class AggregatedReceiptJsonTests
{
    [Fact]
    public void ItRoundTripsWithTheDocumentedMemberNames()
    {
        var aggregated = Sample();
        var json = AggregatedReceiptJson.Serialize(aggregated);
        var node = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(
            ["kind", "receipt", "receipt_hash", "members", "signer_bitmap", "aggregate_signature", "threshold", "registry_epoch", "draw_seed"],
            node.Select(p => p.Key));
        Assert.Equal("aggregated", (string?)node["kind"]);
        Assert.Equal(["worker_id", "public_key", "role"], node["members"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal("executor", (string?)node["members"]![0]!["role"]);
        Assert.Equal("rerun", (string?)node["members"]![1]!["role"]);
        Assert.Equal(Convert.ToHexStringLower(aggregated.ReceiptHash), (string?)node["receipt_hash"]);
        Assert.Equal("03", (string?)node["signer_bitmap"]);

        var back = AggregatedReceiptJson.Parse(json);
        Assert.Equal(json, AggregatedReceiptJson.Serialize(back));
    }

    [Theory]
    [InlineData("kind", "\"executor\"")]
    [InlineData("signer_bitmap", "\"0300\"")]
    [InlineData("receipt_hash", "\"zz\"")]
    [InlineData("threshold", "\"2\"")]
    public void ABadMemberIsAFormatError(string member, string value)
    {
        var node = JsonNode.Parse(AggregatedReceiptJson.Serialize(Sample()))!.AsObject();
        node[member] = JsonNode.Parse(value);
        Assert.Throws<ReceiptFormatException>(() => AggregatedReceiptJson.Parse(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }

    [Fact]
    public void MissingAndUnknownMembersAreFormatErrors()
    {
        var missing = JsonNode.Parse(AggregatedReceiptJson.Serialize(Sample()))!.AsObject();
        missing.Remove("draw_seed");
        Assert.Throws<ReceiptFormatException>(() => AggregatedReceiptJson.Parse(Encoding.UTF8.GetBytes(missing.ToJsonString())));

        var unknown = JsonNode.Parse(AggregatedReceiptJson.Serialize(Sample()))!.AsObject();
        unknown["extra"] = 1;
        Assert.Throws<ReceiptFormatException>(() => AggregatedReceiptJson.Parse(Encoding.UTF8.GetBytes(unknown.ToJsonString())));
        Assert.Throws<ReceiptFormatException>(() => AggregatedReceiptJson.Parse("[]"u8));
    }

    [Fact]
    public void TheRegistryFileHasTheDocumentedShape()
    {
        var registry = new WorkerKeyRegistry
        {
            Epoch = 3,
            Workers = [new RegisteredWorkerKey { WorkerId = "w1", PublicKey = new byte[48], ProofOfPossession = new byte[96] }],
        };
        var json = WorkerKeyRegistryJson.Serialize(registry);
        var node = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(["epoch", "workers"], node.Select(p => p.Key));
        Assert.Equal(["worker_id", "public_key", "proof_of_possession"], node["workers"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(new string('0', 96), (string?)node["workers"]![0]!["public_key"]);
        Assert.Equal(json, WorkerKeyRegistryJson.Serialize(WorkerKeyRegistryJson.Parse(json)));
    }

    private static AggregatedReceipt Sample()
    {
        var receipt = ReceiptSamples.Golden();
        return new AggregatedReceipt
        {
            Receipt = receipt,
            ReceiptHash = ReceiptCodec.Hash(receipt),
            Members =
            [
                new CommitteeMember { WorkerId = "w1", PublicKey = new byte[48], Role = CommitteeRole.Executor },
                new CommitteeMember { WorkerId = "w2", PublicKey = new byte[48], Role = CommitteeRole.Rerun },
            ],
            SignerBitmap = [3],
            AggregateSignature = new byte[96],
            Threshold = 2,
            RegistryEpoch = 2,
            DrawSeed = CommitteeDraw.Seed(ReceiptCodec.Hash(receipt)),
        };
    }
}
