using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Receipts;
using Xunit;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>Scenario A7 in the silo: evidence of a double sign, handed in by anyone, costs the signer the maximum
/// penalty once; evidence that does not prove it changes nothing.</summary>
public sealed class DoubleSignEvidenceGrainTests(ReputationSiloFixture fixture) : IClassFixture<ReputationSiloFixture>
{
    [Fact]
    public async Task A7_EvidenceOfTwoResultsForOneJobBansTheWorkerOnceAndARepeatChangesNothing()
    {
        var worker = "ds-" + Guid.NewGuid().ToString("N")[..12];
        using var key = ReceiptSamples.Key(201);
        await RegisterAsync(worker, key);
        var evidence = Conflicting(key);
        var hash = Convert.ToHexStringLower(DoubleSignEvidenceVerifier.Verify(evidence).EvidenceHash);

        var accepted = await fixture.Grains.GetGrain<IDoubleSignEvidenceGrain>(hash).SubmitAsync(evidence);
        Assert.False(accepted.Repeated);
        Assert.Equal((worker, hash, evidence.First.Receipt.JobId), (accepted.WorkerId, accepted.EvidenceHash, accepted.JobId));

        var reputation = await fixture.Grains.GetGrain<IReputationGrain>(worker).GetAsync();
        Assert.Equal(1, reputation.Counts.DoubleSigns);
        Assert.Equal(0, reputation.Score);
        Assert.NotNull(reputation.BannedUntil);

        var again = await fixture.Grains.GetGrain<IDoubleSignEvidenceGrain>(hash).SubmitAsync(evidence);
        Assert.True(again.Repeated);
        Assert.Equal(1, (await fixture.Grains.GetGrain<IReputationGrain>(worker).GetAsync()).Counts.DoubleSigns);

        // A forged copy handed to the same grain is checked like new evidence, not answered as a repeat.
        var forged = DoubleSignEvidenceJson.Parse(DoubleSignEvidenceJson.Serialize(evidence));
        forged.First.Signature[7] ^= 1;
        await Assert.ThrowsAsync<EvidenceInvalidException>(() => fixture.Grains.GetGrain<IDoubleSignEvidenceGrain>(hash).SubmitAsync(forged));
        Assert.True((await fixture.Grains.GetGrain<IDoubleSignEvidenceGrain>(hash).SubmitAsync(evidence)).Repeated);
    }

    [Fact]
    public async Task EvidenceThatDoesNotVerifyOrNamesAnUnknownKeyIsRefusedAndPenalisesNobody()
    {
        var worker = "ds-" + Guid.NewGuid().ToString("N")[..12];
        using var key = ReceiptSamples.Key(202);
        await RegisterAsync(worker, key);
        var evidence = Conflicting(key);
        var hash = Convert.ToHexStringLower(DoubleSignEvidenceVerifier.Verify(evidence).EvidenceHash);

        // A signature flipped: not evidence.
        var forged = DoubleSignEvidenceJson.Parse(DoubleSignEvidenceJson.Serialize(evidence));
        forged.Second.Signature[5] ^= 1;
        await Assert.ThrowsAsync<EvidenceInvalidException>(() => fixture.Grains.GetGrain<IDoubleSignEvidenceGrain>(hash).SubmitAsync(forged));

        // Good evidence under another grain's key.
        await Assert.ThrowsAsync<EvidenceInvalidException>(() => fixture.Grains.GetGrain<IDoubleSignEvidenceGrain>(new string('0', 64)).SubmitAsync(evidence));

        // Good evidence of a key no worker registered.
        using var stranger = ReceiptSamples.Key(203);
        var unknown = Conflicting(stranger);
        var unknownHash = Convert.ToHexStringLower(DoubleSignEvidenceVerifier.Verify(unknown).EvidenceHash);
        var refused = await Assert.ThrowsAsync<EvidenceInvalidException>(() => fixture.Grains.GetGrain<IDoubleSignEvidenceGrain>(unknownHash).SubmitAsync(unknown));
        Assert.Contains("no registered worker", refused.Message, StringComparison.Ordinal);

        Assert.Equal(0, (await fixture.Grains.GetGrain<IReputationGrain>(worker).GetAsync()).Counts.DoubleSigns);
    }

    private async Task RegisterAsync(string worker, SecretKey key) =>
        await fixture.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).RegisterKeyAsync(new RegisteredWorkerKey
        {
            WorkerId = worker,
            PublicKey = Bls.SkToPk(key).ToBytes(),
            ProofOfPossession = Bls.PopProve(key).ToBytes(),
        });

    private static DoubleSignEvidence Conflicting(SecretKey key)
    {
        var first = ReceiptSamples.Golden();
        var second = ReceiptSamples.Golden();
        second.OutputHash = ReceiptSamples.Filled(0x5a);
        return DoubleSignEvidence.From(ReceiptSamples.Sign(first, key), ReceiptSamples.Sign(second, key));
    }
}
