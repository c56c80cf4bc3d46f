// Design: as with double-sign evidence, the evidence is its own proof: every submission is verified and its
// recomputed hash must be the grain's key, so one broken commitment has one grain and one penalty. The provider must
// have registered the commitment's key in the directory. The penalty is two idempotent calls keyed by the evidence
// hash: a wrong-result reputation event (id "evidence/{hash}") and, with the settlement on, a WrongResult slash. The
// evidence is stored before them and the acceptance after, so a submission cut short applies the rest when repeated.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>One piece of storage fault evidence (<see cref="IStorageFaultEvidenceGrain"/>).</summary>
internal sealed class StorageFaultEvidenceGrain(
    [PersistentState("storage-fault-evidence")] IPersistentState<StorageFaultEvidenceState> state) : Grain, IStorageFaultEvidenceGrain
{
    public async Task<StorageFaultAcceptance> SubmitAsync(StorageFaultEvidence evidence)
    {
        if (StorageFaultEvidenceVerifier.Verify(evidence) is { } failure)
        {
            DeactivateOnIdle();
            throw new EvidenceInvalidException(failure);
        }

        var hash = Convert.ToHexStringLower(StorageFaultEvidence.Hash(evidence.Commitment));
        if (!string.Equals(hash, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            DeactivateOnIdle();
            throw new EvidenceInvalidException($"the evidence hash is {hash}, not {this.GetPrimaryKeyString()}");
        }

        if (state.State.Acceptance is { } accepted)
        {
            return new StorageFaultAcceptance
            {
                EvidenceHash = accepted.EvidenceHash,
                ProviderId = accepted.ProviderId,
                DealId = accepted.DealId,
                AcceptedAt = accepted.AcceptedAt,
                Slashed = accepted.Slashed,
                Repeated = true,
            };
        }

        var key = Convert.ToHexStringLower(evidence.Commitment.PublicKey);
        var keys = await GrainFactory.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey).GetKeysAsync(evidence.ProviderId);
        if (!keys.Contains(key))
        {
            DeactivateOnIdle();
            throw new EvidenceInvalidException($"storage provider '{evidence.ProviderId}' never registered the public key {key}");
        }

        if (state.State.Evidence is null)
        {
            state.State.Evidence = evidence;
            await state.WriteStateAsync();
        }

        await GrainFactory.GetGrain<IReputationGrain>(evidence.ProviderId).RecordAsync(new ReputationEvent
        {
            EventId = "evidence/" + hash,
            WorkerId = evidence.ProviderId,
            Kind = ReputationEventKind.WrongResult,
            JobId = evidence.Commitment.DealId,
            Hash = hash,
        });

        UInt128 slashed = 0;
        var settlement = GrainFactory.GetGrain<ISettlement>(ISettlement.DefaultKey);
        if ((await settlement.GetTermsAsync()).Enabled)
        {
            slashed = (await settlement.SlashAsync(evidence.ProviderId, hash, SlashReason.WrongResult)).Slashed;
        }

        state.State.Acceptance = new StorageFaultAcceptance
        {
            EvidenceHash = hash,
            ProviderId = evidence.ProviderId,
            DealId = evidence.Commitment.DealId,
            AcceptedAt = DateTimeOffset.UtcNow,
            Slashed = slashed,
        };
        await state.WriteStateAsync();
        return state.State.Acceptance;
    }
}

/// <summary>The evidence grain's stored state.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-fault-evidence-state")]
internal sealed class StorageFaultEvidenceState
{
    /// <summary>The evidence, once verified.</summary>
    [Id(0)] public StorageFaultEvidence? Evidence { get; set; }

    /// <summary>The penalty applied, once both calls succeeded.</summary>
    [Id(1)] public StorageFaultAcceptance? Acceptance { get; set; }
}
