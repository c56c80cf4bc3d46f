using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Scenario A16: offline checks of a committee's aggregated receipt, each rejection on its own, with real BLS keys.</summary>
public sealed class AggregatedReceiptVerifierTests
{
    [Fact]
    public void AValidAggregatedReceiptVerifiesWithAndWithoutARegistry()
    {
        using var committee = new CommitteeSamples(4);
        var aggregated = committee.Aggregate(0, 1, 3);
        Assert.Equal(ReceiptVerification.Valid, AggregatedReceiptVerifier.Verify(aggregated));
        var policy = new AggregatedReceiptPolicy { Registry = committee.Registry(), ExpectedProgramId = "prog-golden", ExpectedWasmHash = ReceiptSamples.Filled(0x11), MinimumSigners = 3 };
        Assert.Equal(ReceiptVerification.Valid, AggregatedReceiptVerifier.Verify(aggregated, policy));
        Assert.Equal([0, 1, 3], AggregatedReceiptVerifier.SignerIndexes(aggregated));
    }

    [Fact]
    public void NineMembersUseTwoBitmapBytes()
    {
        using var committee = new CommitteeSamples(9);
        var aggregated = committee.Aggregate(0, 2, 4, 6, 8);
        Assert.Equal(2, aggregated.SignerBitmap.Length);
        Assert.True(AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { Registry = committee.Registry() }).IsValid);
    }

    [Fact]
    public void SignerWeightBelowThresholdIsRefused()
    {
        using var committee = new CommitteeSamples(5);

        // Two of five: under the receipt's threshold (3) and under a majority.
        var few = AggregatedReceiptVerifier.Verify(committee.Aggregate(0, 1));
        Assert.Equal(ReceiptVerificationFailure.TooFewSigners, few.Failure);
        Assert.Contains("2 of 5 members signed; 3 required", few.Detail, StringComparison.Ordinal);

        // A receipt's threshold is the strict majority of its members, nothing else: lowered, it is refused as such.
        var lowThreshold = committee.Aggregate(0, 1);
        lowThreshold.Threshold = 1;
        Assert.Equal(ReceiptVerificationFailure.WrongThreshold, AggregatedReceiptVerifier.Verify(lowThreshold).Failure);

        // The verifier's own minimum counts too.
        var three = committee.Aggregate(0, 1, 2);
        Assert.True(AggregatedReceiptVerifier.Verify(three).IsValid);
        Assert.Equal(ReceiptVerificationFailure.TooFewSigners, AggregatedReceiptVerifier.Verify(three, new AggregatedReceiptPolicy { MinimumSigners = 4 }).Failure);
    }

    [Fact]
    public void ADrawSeedThatIsNotTheExecutorsIsRefusedWhileTheExecutorSigned()
    {
        using var committee = new CommitteeSamples(4);
        var policy = new AggregatedReceiptPolicy { Registry = committee.Registry() };

        // Any other seed would make another committee look drawn: refused, byte by byte.
        var aggregated = committee.Aggregate(0, 1, 3);
        for (var i = 0; i < aggregated.DrawSeed.Length; i++)
        {
            var changed = committee.Aggregate(0, 1, 3);
            changed.DrawSeed[i] ^= 0x01;
            var result = AggregatedReceiptVerifier.Verify(changed, policy);
            Assert.Equal(ReceiptVerificationFailure.WrongDrawSeed, result.Failure);
        }

        var shortSeed = committee.Aggregate(0, 1, 3);
        shortSeed.DrawSeed = shortSeed.DrawSeed[..31];
        Assert.Equal(ReceiptVerificationFailure.WrongDrawSeed, AggregatedReceiptVerifier.Verify(shortSeed, policy).Failure);

        // An executor outvoted by its committee did not sign this receipt: its seed cannot be recomputed from the file
        // and is taken as given.
        var outvoted = committee.Aggregate(1, 2, 3);
        outvoted.DrawSeed = ReceiptSamples.Filled(0x77);
        Assert.Equal(ReceiptVerification.Valid, AggregatedReceiptVerifier.Verify(outvoted, policy));
    }

    [Fact]
    public void AMemberListThatDoesNotStartWithItsOneExecutorIsRefused()
    {
        using var committee = new CommitteeSamples(3);
        var second = committee.Aggregate();
        second.Members[0].Role = CommitteeRole.Committee;
        second.Members[1].Role = CommitteeRole.Executor;
        Assert.Equal(ReceiptVerificationFailure.WrongDrawOrder, AggregatedReceiptVerifier.Verify(second).Failure);

        var two = committee.Aggregate();
        two.Members[2].Role = CommitteeRole.Executor;
        var result = AggregatedReceiptVerifier.Verify(two);
        Assert.Equal(ReceiptVerificationFailure.WrongDrawOrder, result.Failure);
        Assert.Contains("second executor", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ARegistryAtAnotherEpochIsRefused()
    {
        using var committee = new CommitteeSamples(3);
        var registry = committee.Registry();
        registry.Epoch = CommitteeSamples.Epoch + 1;
        var result = AggregatedReceiptVerifier.Verify(committee.Aggregate(), new AggregatedReceiptPolicy { Registry = registry });
        Assert.Equal(ReceiptVerificationFailure.WrongEpoch, result.Failure);
        Assert.Contains("epoch 5", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherProgramOrModuleIsRefused()
    {
        using var committee = new CommitteeSamples(3);
        var aggregated = committee.Aggregate();
        Assert.Equal(ReceiptVerificationFailure.WrongProgram, AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { ExpectedProgramId = "prog-other" }).Failure);
        Assert.Equal(ReceiptVerificationFailure.WrongProgram, AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { ExpectedWasmHash = ReceiptSamples.Filled(0x12) }).Failure);
    }

    [Fact]
    public void ABadAggregateIsRefused()
    {
        using var committee = new CommitteeSamples(3);
        using var outsider = ReceiptSamples.Key(99);
        var aggregated = committee.Aggregate(0, 1);

        // An aggregate over another message, or with one signature from a key that is not a member.
        aggregated.AggregateSignature = Bls.Aggregate([Bls.Sign(committee.Keys[0], aggregated.ReceiptHash), Bls.Sign(outsider, aggregated.ReceiptHash)]).ToBytes();
        Assert.Equal(ReceiptVerificationFailure.BadAggregate, AggregatedReceiptVerifier.Verify(aggregated).Failure);
        aggregated.AggregateSignature = Bls.Sign(committee.Keys[0], aggregated.ReceiptHash).ToBytes();
        Assert.Equal(ReceiptVerificationFailure.BadAggregate, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        // Bytes that are not a G2 point.
        aggregated.AggregateSignature = new byte[96];
        Assert.Equal(ReceiptVerificationFailure.MalformedSignature, AggregatedReceiptVerifier.Verify(aggregated).Failure);
    }

    [Fact]
    public void AKeyTheRegistryDoesNotHoldIsRefused()
    {
        using var committee = new CommitteeSamples(3);
        using var outsider = ReceiptSamples.Key(99);
        var aggregated = committee.Aggregate();

        // The registry has another key for w2.
        var registry = committee.Registry();
        registry.Workers[1].PublicKey = Bls.SkToPk(outsider).ToBytes();
        registry.Workers[1].ProofOfPossession = Bls.PopProve(outsider).ToBytes();
        var result = AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { Registry = registry });
        Assert.Equal(ReceiptVerificationFailure.UnknownKey, result.Failure);
        Assert.Contains("'w2'", result.Detail, StringComparison.Ordinal);

        // w3 is not registered at all.
        registry = committee.Registry();
        registry.Workers.RemoveAt(2);
        Assert.Equal(ReceiptVerificationFailure.UnknownKey, AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { Registry = registry }).Failure);

        // The registry holds the key but a proof of possession made by another key.
        registry = committee.Registry();
        registry.Workers[0].ProofOfPossession = Bls.PopProve(outsider).ToBytes();
        Assert.Equal(ReceiptVerificationFailure.BadProofOfPossession, AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { Registry = registry }).Failure);
    }

    [Theory]
    [MemberData(nameof(ReceiptVerifierTests.Fields), MemberType = typeof(ReceiptVerifierTests))]
    public void ATamperedReceiptFieldIsRefused(string field)
    {
        using var committee = new CommitteeSamples(3);
        var aggregated = committee.Aggregate();
        ReceiptVerifierTests.Tamper(aggregated.Receipt, field);
        Assert.Equal(ReceiptVerificationFailure.HashMismatch, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        // Restating the hash does not help: the draw seed was the old receipt's, and restating that too, nobody
        // signed the new hash.
        aggregated.ReceiptHash = ReceiptCodec.Hash(aggregated.Receipt);
        Assert.Equal(ReceiptVerificationFailure.WrongDrawSeed, AggregatedReceiptVerifier.Verify(aggregated).Failure);
        aggregated.DrawSeed = CommitteeDraw.Seed(aggregated.ReceiptHash);
        Assert.Equal(ReceiptVerificationFailure.BadAggregate, AggregatedReceiptVerifier.Verify(aggregated).Failure);
    }

    [Fact]
    public void ANonCanonicalReceiptFieldIsRefused()
    {
        using var committee = new CommitteeSamples(3);
        var aggregated = committee.Aggregate();
        aggregated.Receipt.OutputHash = new byte[31];
        var result = AggregatedReceiptVerifier.Verify(aggregated);
        Assert.Equal(ReceiptVerificationFailure.MalformedReceipt, result.Failure);
        Assert.Contains("output_hash", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ATamperedBitmapIsRefused()
    {
        using var committee = new CommitteeSamples(5);
        var aggregated = committee.Aggregate(0, 1, 2);

        // Claiming a member signed who did not: the aggregate no longer matches the claimed signers.
        aggregated.SignerBitmap[0] |= 1 << 3;
        Assert.Equal(ReceiptVerificationFailure.BadAggregate, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        // A bit past the last member.
        aggregated = committee.Aggregate(0, 1, 2);
        aggregated.SignerBitmap[0] |= 1 << 5;
        Assert.Equal(ReceiptVerificationFailure.MalformedBitmap, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        // A bitmap of the wrong length.
        aggregated = committee.Aggregate(0, 1, 2);
        aggregated.SignerBitmap = [aggregated.SignerBitmap[0], 0];
        Assert.Equal(ReceiptVerificationFailure.MalformedBitmap, AggregatedReceiptVerifier.Verify(aggregated).Failure);
    }

    [Fact]
    public void MalformedMembersAreRefused()
    {
        using var committee = new CommitteeSamples(3);
        var aggregated = committee.Aggregate();
        aggregated.Members[1].WorkerId = aggregated.Members[0].WorkerId;
        Assert.Equal(ReceiptVerificationFailure.MalformedMembers, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        aggregated = committee.Aggregate();
        aggregated.Members[2].PublicKey = aggregated.Members[0].PublicKey;
        Assert.Equal(ReceiptVerificationFailure.MalformedMembers, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        aggregated = committee.Aggregate();
        aggregated.Members[2].PublicKey = new byte[48];
        Assert.Equal(ReceiptVerificationFailure.MalformedMembers, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        aggregated = committee.Aggregate();
        aggregated.Members.Clear();
        Assert.Equal(ReceiptVerificationFailure.MalformedMembers, AggregatedReceiptVerifier.Verify(aggregated).Failure);

        aggregated = committee.Aggregate();
        aggregated.Kind = "executor";
        Assert.Equal(ReceiptVerificationFailure.UnknownKind, AggregatedReceiptVerifier.Verify(aggregated).Failure);
    }
}
