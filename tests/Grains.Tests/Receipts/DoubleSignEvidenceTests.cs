using System.Text;
using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Scenario A7 (offline): whoever holds two conflicting signatures of one key builds evidence anyone can verify.</summary>
public sealed class DoubleSignEvidenceTests
{
    [Fact]
    public void TwoConflictingSignaturesMakeEvidenceThatVerifiesOffline()
    {
        using var key = ReceiptSamples.Key();
        var first = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        var other = ReceiptSamples.Golden();
        other.OutputHash = ReceiptSamples.Filled(0x5a);
        var second = ReceiptSamples.Sign(other, key);

        var evidence = DoubleSignEvidence.From(first, second);
        var check = DoubleSignEvidenceVerifier.Verify(evidence);
        Assert.True(check.IsValid, check.Detail);
        Assert.Equal(32, check.EvidenceHash.Length);

        // The same pair in the other order is the same evidence.
        Assert.Equal(check.EvidenceHash, DoubleSignEvidenceVerifier.Verify(DoubleSignEvidence.From(second, first)).EvidenceHash);

        // The JSON form round-trips and still verifies.
        var json = DoubleSignEvidenceJson.Serialize(evidence);
        var back = DoubleSignEvidenceJson.Parse(json);
        Assert.Equal(json, DoubleSignEvidenceJson.Serialize(back));
        Assert.Equal(check.EvidenceHash, DoubleSignEvidenceVerifier.Verify(back).EvidenceHash);
    }

    [Fact]
    public void ACommitteeMembersSignatureOverAnotherWorkersReceiptCounts()
    {
        using var executorKey = ReceiptSamples.Key(1);
        using var memberKey = ReceiptSamples.Key(2);

        // The member signed the executor's receipt hash, and later its own receipt with another result.
        var executors = ReceiptSamples.Golden();
        var attestation = ReceiptSamples.Sign(executors, memberKey);
        var own = ReceiptSamples.Golden();
        own.WorkerId = "w2";
        own.FuelConsumed = 999;
        var evidence = DoubleSignEvidence.From(attestation, ReceiptSamples.Sign(own, memberKey));
        Assert.True(DoubleSignEvidenceVerifier.Verify(evidence).IsValid);
    }

    [Fact]
    public void TheSameResultTwiceIsNoConflict()
    {
        using var key = ReceiptSamples.Key();
        var first = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);

        // A later attempt by another worker at another time: other receipt hash, same result digest.
        var again = ReceiptSamples.Golden();
        again.Attempt = 3;
        again.WorkerId = "w9";
        again.Timestamp = again.Timestamp.AddMinutes(1);
        var error = Assert.Throws<NotConflictingException>(() => DoubleSignEvidence.From(first, ReceiptSamples.Sign(again, key)));
        Assert.Equal(DoubleSignEvidenceFailure.SameResult, error.Failure);
    }

    [Fact]
    public void DifferentJobsOrDifferentKeysAreNoConflict()
    {
        using var key = ReceiptSamples.Key();
        using var otherKey = ReceiptSamples.Key(8);
        var first = ReceiptSamples.Sign(ReceiptSamples.Golden(), key);
        var otherJob = ReceiptSamples.Golden();
        otherJob.JobId = "job-other";
        Assert.Equal(DoubleSignEvidenceFailure.DifferentJobs, Assert.Throws<NotConflictingException>(() => DoubleSignEvidence.From(first, ReceiptSamples.Sign(otherJob, key))).Failure);

        var otherResult = ReceiptSamples.Golden();
        otherResult.OutputHash = ReceiptSamples.Filled(0x5a);
        var byOtherKey = ReceiptSamples.Sign(otherResult, otherKey);
        Assert.Equal(DoubleSignEvidenceFailure.DifferentKeys, Assert.Throws<NotConflictingException>(() => DoubleSignEvidence.From(first, byOtherKey)).Failure);

        // Evidence that pairs one key's signature with another key's signature does not verify.
        var evidence = DoubleSignEvidence.From(first, ReceiptSamples.Sign(otherResult, key));
        evidence.Second.Signature = byOtherKey.Signature;
        Assert.Equal(DoubleSignEvidenceFailure.BadSignature, DoubleSignEvidenceVerifier.Verify(evidence).Failure);
    }

    [Fact]
    public void TamperedEvidenceIsRefused()
    {
        using var key = ReceiptSamples.Key();
        var otherResult = ReceiptSamples.Golden();
        otherResult.OutputHash = ReceiptSamples.Filled(0x5a);
        DoubleSignEvidence Fresh() => DoubleSignEvidence.From(ReceiptSamples.Sign(ReceiptSamples.Golden(), key), ReceiptSamples.Sign(otherResult, key));

        // A changed receipt field: the stated hash no longer matches; restating it leaves a signature over nothing.
        var evidence = Fresh();
        evidence.Second.Receipt.FuelConsumed++;
        Assert.Equal(DoubleSignEvidenceFailure.HashMismatch, DoubleSignEvidenceVerifier.Verify(evidence).Failure);
        evidence.Second.ReceiptHash = ReceiptCodec.Hash(evidence.Second.Receipt);
        Assert.Equal(DoubleSignEvidenceFailure.BadSignature, DoubleSignEvidenceVerifier.Verify(evidence).Failure);

        // Signatures swapped between the halves.
        evidence = Fresh();
        (evidence.First.Signature, evidence.Second.Signature) = (evidence.Second.Signature, evidence.First.Signature);
        Assert.Equal(DoubleSignEvidenceFailure.BadSignature, DoubleSignEvidenceVerifier.Verify(evidence).Failure);

        // Bytes that are no key or signature, an unknown kind, a non-canonical receipt.
        evidence = Fresh();
        evidence.PublicKey = new byte[48];
        Assert.Equal(DoubleSignEvidenceFailure.MalformedPublicKey, DoubleSignEvidenceVerifier.Verify(evidence).Failure);
        evidence = Fresh();
        evidence.First.Signature = new byte[95];
        Assert.Equal(DoubleSignEvidenceFailure.MalformedSignature, DoubleSignEvidenceVerifier.Verify(evidence).Failure);
        evidence = Fresh();
        evidence.Kind = "double";
        Assert.Equal(DoubleSignEvidenceFailure.UnknownKind, DoubleSignEvidenceVerifier.Verify(evidence).Failure);
        evidence = Fresh();
        evidence.First.Receipt.JobId = "";
        Assert.Equal(DoubleSignEvidenceFailure.MalformedReceipt, DoubleSignEvidenceVerifier.Verify(evidence).Failure);
    }

    [Fact]
    public void TheEvidenceFileIsReadStrictly()
    {
        using var key = ReceiptSamples.Key();
        var otherResult = ReceiptSamples.Golden();
        otherResult.OutputHash = ReceiptSamples.Filled(0x5a);
        var json = DoubleSignEvidenceJson.Serialize(DoubleSignEvidence.From(ReceiptSamples.Sign(ReceiptSamples.Golden(), key), ReceiptSamples.Sign(otherResult, key)));
        var names = JsonNode.Parse(json)!.AsObject().Select(p => p.Key);
        Assert.Equal(["kind", "public_key", "first", "second"], names);
        Assert.Equal(["receipt", "receipt_hash", "signature"], JsonNode.Parse(json)!["first"]!.AsObject().Select(p => p.Key));

        foreach (var change in new Action<JsonObject>[]
        {
            n => n["extra"] = 1,
            n => n.Remove("second"),
            n => n["first"]!.AsObject().Remove("signature"),
            n => n["first"]!.AsObject()["more"] = 1,
            n => n["second"]!["receipt"]!["abi"] = "native",
            n => n["public_key"] = "not hex",
            n => n["first"] = null,
        })
        {
            var node = JsonNode.Parse(json)!.AsObject();
            change(node);
            Assert.Throws<ReceiptFormatException>(() => DoubleSignEvidenceJson.Parse(Encoding.UTF8.GetBytes(node.ToJsonString())));
        }
    }
}
