// Design: the evidence is its own proof, so the grain trusts nothing but the verifier, even for a repeat: every
// submission is verified, and its recomputed evidence hash must be the grain's key, so one piece of evidence has one grain and is penalised once. The
// worker is found by its registered key in the worker key registry (the key signed both receipts; the receipts may
// name other workers, e.g. a committee member signs the executor's receipt hash). The penalty is two idempotent calls,
// each keyed by the evidence hash: a double-sign reputation event (event id "evidence/{hash}") and, while jobs are paid
// through the settlement, a DoubleSign slash. The evidence is stored before them and the acceptance after them, so a
// submission that failed half way applies the rest when it is submitted again.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Reputation;

/// <summary>One piece of double-sign evidence (key = evidence hash, lowercase hex); see <see cref="IDoubleSignEvidenceGrain"/>.</summary>
internal sealed class DoubleSignEvidenceGrain(
    [PersistentState("double-sign-evidence")] IPersistentState<DoubleSignEvidenceState> state,
    ReputationClock clock) : Grain, IDoubleSignEvidenceGrain
{
    /// <inheritdoc />
    public async Task<EvidenceAcceptance> SubmitAsync(DoubleSignEvidence evidence)
    {
        if (evidence is null)
        {
            throw new EvidenceInvalidException("evidence: missing");
        }

        var check = DoubleSignEvidenceVerifier.Verify(evidence);
        if (!check.IsValid)
        {
            DeactivateOnIdle();
            throw new EvidenceInvalidException($"{check.Failure}: {check.Detail}");
        }

        var hash = Convert.ToHexStringLower(check.EvidenceHash);
        if (!string.Equals(hash, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            DeactivateOnIdle();
            throw new EvidenceInvalidException($"the evidence hash is {hash}, not {this.GetPrimaryKeyString()}");
        }

        if (state.State.Acceptance is { } accepted)
        {
            return new EvidenceAcceptance
            {
                EvidenceHash = accepted.EvidenceHash,
                WorkerId = accepted.WorkerId,
                JobId = accepted.JobId,
                AcceptedAt = accepted.AcceptedAt,
                Slashed = accepted.Slashed,
                Repeated = true,
            };
        }

        var workerId = await SignerAsync(evidence.PublicKey);
        if (state.State.Evidence is null)
        {
            state.State.Evidence = evidence;
            await state.WriteStateAsync();
        }

        var jobId = evidence.First.Receipt.JobId;
        await GrainFactory.GetGrain<IReputationGrain>(workerId).RecordAsync(new ReputationEvent
        {
            EventId = "evidence/" + hash,
            WorkerId = workerId,
            Kind = ReputationEventKind.DoubleSign,
            JobId = jobId,
            Hash = hash,
        });

        UInt128 slashed = 0;
        var ledger = GrainFactory.GetGrain<ISettlement>(ISettlement.DefaultKey);
        if ((await ledger.GetTermsAsync()).Enabled)
        {
            slashed = (await ledger.SlashAsync(workerId, hash, SlashReason.DoubleSign)).Slashed;
        }

        state.State.Acceptance = new EvidenceAcceptance
        {
            EvidenceHash = hash,
            WorkerId = workerId,
            JobId = jobId,
            AcceptedAt = clock.Now,
            Slashed = slashed,
        };
        await state.WriteStateAsync();
        return state.State.Acceptance;
    }

    /// <summary>The registered worker whose key is <paramref name="publicKey"/>.</summary>
    private async Task<string> SignerAsync(byte[] publicKey)
    {
        var registry = await GrainFactory.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).GetKeyRegistryAsync();
        foreach (var worker in registry.Workers)
        {
            if (worker.PublicKey.AsSpan().SequenceEqual(publicKey))
            {
                return worker.WorkerId;
            }
        }

        DeactivateOnIdle();
        throw new EvidenceInvalidException($"no registered worker holds the public key {Convert.ToHexStringLower(publicKey)}");
    }
}
