using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>The aggregated receipt file and the key registry file: exact member names, round trips, strict reading.</summary>
public sealed class CommitteeJsonTests
{
    [Fact]
    public void AnAggregatedReceiptRoundTripsWithItsWireNames()
    {
        using var committee = new CommitteeSamples(3);
        var aggregated = committee.Aggregate(0, 2);
        var json = AggregatedReceiptJson.Serialize(aggregated);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(
            ["kind", "receipt", "receipt_hash", "members", "signer_bitmap", "aggregate_signature", "threshold", "registry_epoch", "draw_seed"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("aggregated", root.GetProperty("kind").GetString());
        Assert.Equal("05", root.GetProperty("signer_bitmap").GetString());
        Assert.Equal(CommitteeSamples.Epoch, root.GetProperty("registry_epoch").GetInt64());
        var member = root.GetProperty("members")[0];
        Assert.Equal(["worker_id", "public_key", "role"], member.EnumerateObject().Select(p => p.Name));
        Assert.Equal("executor", member.GetProperty("role").GetString());
        Assert.Equal("committee", root.GetProperty("members")[1].GetProperty("role").GetString());
        Assert.Equal("aggregated", AggregatedReceiptJson.ReadKind(json));

        var back = AggregatedReceiptJson.Parse(json);
        Assert.Equal(json, AggregatedReceiptJson.Serialize(back));
        Assert.True(AggregatedReceiptVerifier.Verify(back, new AggregatedReceiptPolicy { Registry = committee.Registry() }).IsValid);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("missing")]
    [InlineData("duplicate")]
    [InlineData("member-unknown")]
    [InlineData("member-missing")]
    [InlineData("role")]
    [InlineData("receipt-field")]
    [InlineData("receipt-noncanonical")]
    [InlineData("hex")]
    [InlineData("null")]
    public void ABadAggregatedReceiptFileIsRefused(string fault)
    {
        using var committee = new CommitteeSamples(3);
        var node = JsonNode.Parse(AggregatedReceiptJson.Serialize(committee.Aggregate()))!.AsObject();
        var member = node["members"]![0]!.AsObject();
        string text;
        switch (fault)
        {
            case "unknown": node["extra"] = 1; break;
            case "missing": node.Remove("draw_seed"); break;
            case "member-unknown": member["weight"] = 2; break;
            case "member-missing": member.Remove("role"); break;
            case "role": member["role"] = "judge"; break;
            case "receipt-field": node["receipt"]!.AsObject().Remove("attempt"); break;
            case "receipt-noncanonical": node["receipt"]!["wasm_hash"] = "00"; break;
            case "hex": node["signer_bitmap"] = "zz"; break;
            case "null": node["members"] = null; break;
        }

        text = node.ToJsonString();
        if (fault == "duplicate")
        {
            text = text.Replace("\"threshold\":", "\"threshold\":1,\"threshold\":", StringComparison.Ordinal);
        }

        Assert.Throws<ReceiptFormatException>(() => AggregatedReceiptJson.Parse(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void ARegistryRoundTripsAndIsReadStrictly()
    {
        using var committee = new CommitteeSamples(2);
        var json = WorkerKeyRegistryJson.Serialize(committee.Registry());
        using (var document = JsonDocument.Parse(json))
        {
            Assert.Equal(["epoch", "workers"], document.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(["worker_id", "public_key", "proof_of_possession"], document.RootElement.GetProperty("workers")[0].EnumerateObject().Select(p => p.Name));
        }

        var back = WorkerKeyRegistryJson.Parse(json);
        Assert.Equal(json, WorkerKeyRegistryJson.Serialize(back));

        string[] bad =
        [
            """{"epoch":1}""",
            """{"epoch":-1,"workers":[]}""",
            """{"epoch":1,"workers":[],"extra":0}""",
            """{"epoch":1,"epoch":2,"workers":[]}""",
            $$"""{"epoch":1,"workers":[{"worker_id":"w1","public_key":"{{new string('a', 94)}}","proof_of_possession":"{{new string('b', 192)}}"}]}""",
            $$"""{"epoch":1,"workers":[{"worker_id":"w1","public_key":"{{new string('a', 96)}}"}]}""",
            $$"""{"epoch":1,"workers":[{"worker_id":"","public_key":"{{new string('a', 96)}}","proof_of_possession":"{{new string('b', 192)}}"}]}""",
            "[]",
            "null",
        ];
        foreach (var text in bad)
        {
            Assert.Throws<ReceiptFormatException>(() => WorkerKeyRegistryJson.Parse(Encoding.UTF8.GetBytes(text)));
        }

        var twice = JsonNode.Parse(json)!.AsObject();
        twice["workers"]![1]!["worker_id"] = "w1";
        var error = Assert.Throws<ReceiptFormatException>(() => WorkerKeyRegistryJson.Parse(Encoding.UTF8.GetBytes(twice.ToJsonString())));
        Assert.Contains("listed twice", error.Message, StringComparison.Ordinal);
    }
}
