using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    public async Task<DealStatus> AuditAsync()
    {
        var status = Existing();
        if (status.State == DealState.Ended)
        {
            return status;
        }

        if (status.State == DealState.Placing)
        {
            // Fragments still arriving (or an upload its client abandoned) would fail every challenge: auditing them
            // would cost honest providers reputation on the say-so of one client.
            throw new InvalidRequestException($"deal {DealId} is still being placed; its audits begin once every fragment is stored");
        }

        if (TermOver(status))
        {
            // No challenge after the term: the last period pays on the last audit's findings, then the fragments go.
            await SettlePeriodsAsync(status);
            return await EndAsync(status);
        }

        var findings = await Task.WhenAll(status.Fragments.Select(f => ChallengeAsync(status, f)));
        var now = time.GetUtcNow();
        var penalties = new List<(DealFragment Fragment, AuditFinding Finding)>();
        for (var i = 0; i < findings.Length; i++)
        {
            var fragment = status.Fragments[i];
            if (state.State.RepairPlan.ContainsKey(fragment.Index))
            {
                continue;
            }

            var health = findings[i].Health;
            fragment.Health = health;
            fragment.AuditedAt = now;
            if (health == FragmentHealth.Healthy)
            {
                fragment.AuditsPassed++;
            }
            else
            {
                fragment.AuditsFailed++;
                StorageLog.AuditFailed(log, DealId, fragment.Index, fragment.ProviderId, health.ToString());
                penalties.Add((fragment, findings[i]));
            }
        }

        // Penalties before the state write: a crash in between records them again under the same ids, which the
        // reputation grain and the evidence grain recognise.
        foreach (var (fragment, finding) in penalties)
        {
            await PenaliseAsync(fragment, finding);
        }

        var healthy = status.HealthyFragments;
        if (healthy < status.Policy.DataFragments)
        {
            Enter(status, DealState.Lost, $"{healthy} healthy fragments, {status.Policy.DataFragments} needed");
        }
        else if (healthy < status.Policy.EffectiveRepairThreshold && state.State.RepairPlan.Count == 0)
        {
            Enter(status, DealState.Degraded, $"{healthy} of {status.Policy.TotalFragments} fragments healthy");
        }

        await state.WriteStateAsync();
        await SettlePeriodsAsync(status);
        if (status.State == DealState.Degraded || state.State.RepairPlan.Count > 0)
        {
            return await RepairAsync();
        }

        return status;
    }

    /// <summary>Asks the fragment's provider for <see cref="StorageOptions.ChallengesPerFragment"/> random chunks and
    /// checks each answer's signature and its proof against the recorded Merkle root. A signed answer that fails the
    /// proof, from a provider that committed to the root, comes back with its evidence.</summary>
    private async Task<AuditFinding> ChallengeAsync(DealStatus status, DealFragment fragment)
    {
        var root = Convert.FromHexString(fragment.MerkleRoot);
        try
        {
            for (var i = 0; i < Options.ChallengesPerFragment; i++)
            {
                var challenge = new StorageChallenge
                {
                    DealId = DealId,
                    Fragment = fragment.Index,
                    ChunkIndex = RandomNumberGenerator.GetInt32(status.ChunkCount),
                    ChunkSize = status.ChunkSize,
                };
                var proof = await Provider(fragment.ProviderId).ProveAsync(challenge).WaitAsync(Options.ProviderTimeout);
                var valid = proof.Chunk.Length == status.ChunkSize
                    && ChunkMerkleTree.Verify(root, status.ChunkCount, challenge.ChunkIndex, proof.Chunk, proof.Proof);
                var signed = fragment.Commitment is null || SignedBy(fragment.Commitment.PublicKey, challenge, proof);
                if (valid && signed)
                {
                    continue;
                }

                var evidence = !valid && signed && fragment.Commitment is { } commitment
                    ? new StorageFaultEvidence { ProviderId = fragment.ProviderId, Commitment = commitment, Challenge = challenge, Answer = proof }
                    : null;
                return new AuditFinding(FragmentHealth.Corrupt, evidence);
            }

            return new AuditFinding(FragmentHealth.Healthy, null);
        }
        catch (StorageUnavailableException)
        {
            // A provider no live silo hosts answers the same way as one that lost the fragment: tell them apart.
            return new AuditFinding((await InfoOrOfflineAsync(fragment.ProviderId)).Online ? FragmentHealth.Missing : FragmentHealth.Unreachable, null);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return new AuditFinding(FragmentHealth.Unreachable, null);
        }
    }

    private bool Ended => state.State.Status is { State: DealState.Ended };

    private bool Placing => state.State.Status is { State: DealState.Placing };

    private static bool SignedBy(byte[] publicKey, StorageChallenge challenge, StorageProof proof) =>
        Marketplace.Crypto.Bls.Bls.Verify(publicKey, StorageProof.MessageHash(challenge, proof.Chunk, proof.Proof), proof.Signature ?? []);

    /// <summary>Arms the next audit round at a random time around <see cref="StorageOptions.AuditInterval"/>.</summary>
    private void ArmAuditTimer()
    {
        _auditTimer?.Dispose();
        var mean = Options.AuditInterval;
        var due = TimeSpan.FromMilliseconds(mean.TotalMilliseconds * (0.5 + RandomNumberGenerator.GetInt32(1_000) / 1_000.0));
        _auditTimer = this.RegisterGrainTimer(static async (grain, _) =>
        {
            try
            {
                if (grain.Placing)
                {
                    await grain.EndIfAbandonedAsync();
                }
                else
                {
                    await grain.AuditAsync();
                }
            }
            catch (Exception e) when (e is StorageUnavailableException or DealNotPlacedException)
            {
                // The deal says so in its state; the next round tries again.
            }

            if (!grain.Ended)
            {
                grain.ArmAuditTimer();
            }
        }, this, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = false });
    }
}
