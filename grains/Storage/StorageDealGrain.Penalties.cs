// Design note: a failed audit costs the provider reputation, in the reputation grain keyed by its id (the same grain
// type workers have; provider and worker ids share one namespace there and in the settlement, where providers are
// paid and staked under their ids). Missing and unsigned or mis-signed answers are failures, unreachable providers
// unavailable; the event id names the deal, the fragment and the failure's number, so recording it again after a
// crash counts once. A wrong answer the provider signed against a root it committed to is evidence: it goes to the
// evidence grain of its hash, which records the wrong result and, with the settlement on, slashes the stake, once per
// broken commitment whatever the number of rounds that find it. Timeouts never slash: no signature proves them.
using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    /// <summary>Records what a failed audit of <paramref name="fragment"/> costs its provider.</summary>
    private async Task PenaliseAsync(DealFragment fragment, AuditFinding finding)
    {
        try
        {
            if (finding.Evidence is { } evidence)
            {
                var hash = Convert.ToHexStringLower(StorageFaultEvidence.Hash(evidence.Commitment));
                var accepted = await GrainFactory.GetGrain<IStorageFaultEvidenceGrain>(hash).SubmitAsync(evidence);
                StorageLog.ProviderPenalised(log, DealId, fragment.Index, fragment.ProviderId, "wrong_result", hash, accepted.Slashed.ToString(CultureInfo.InvariantCulture));
                return;
            }

            var kind = finding.Health == FragmentHealth.Unreachable ? ReputationEventKind.Unavailable : ReputationEventKind.Failure;
            var id = string.Create(CultureInfo.InvariantCulture, $"storage/{DealId}/{fragment.Index}/{fragment.AuditsFailed}");
            await GrainFactory.GetGrain<IReputationGrain>(fragment.ProviderId).RecordAsync(new ReputationEvent
            {
                EventId = id,
                WorkerId = fragment.ProviderId,
                Kind = kind,
                JobId = DealId,
            });
            StorageLog.ProviderPenalised(log, DealId, fragment.Index, fragment.ProviderId, kind.ToString(), id, "0");
        }
        catch (Exception e) when (e is MarketplaceException or OrleansException or TimeoutException)
        {
            // The audit's verdict stands; the next failed round records again.
            StorageLog.PenaltyFailed(log, e, DealId, fragment.Index, fragment.ProviderId);
        }
    }

    /// <summary>Takes the signed commitment of <paramref name="providerId"/> to fragment <paramref name="index"/>,
    /// which it computed from the chunk hashes it kept while the fragment streamed in; it must name
    /// <paramref name="sha256"/> and <paramref name="merkleRoot"/> (lower-case hex) under a valid signature.</summary>
    /// <exception cref="StorageUnavailableException">The provider committed to other digests or did not sign.</exception>
    private async Task<FragmentCommitment> TakeCommitmentAsync(int index, string providerId, string sha256, string merkleRoot, int chunkSize)
    {
        var commitment = await Provider(providerId).CommitAsync(DealId, index, chunkSize);
        if (commitment.DealId != DealId || commitment.Fragment != index
            || Convert.ToHexStringLower(commitment.Sha256) != sha256
            || Convert.ToHexStringLower(commitment.MerkleRoot) != merkleRoot
            || !Marketplace.Crypto.Bls.Bls.Verify(commitment.PublicKey, commitment.MessageHash(), commitment.Signature))
        {
            throw new StorageUnavailableException($"storage provider {providerId} did not commit to fragment {index} of deal {DealId} as stored");
        }

        return commitment;
    }
}

/// <summary>What one audit of one fragment found, and the evidence of a signed wrong answer.</summary>
internal sealed record AuditFinding(FragmentHealth Health, StorageFaultEvidence? Evidence);
