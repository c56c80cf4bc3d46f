using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    public async Task<DealStatus> AuditAsync()
    {
        var status = Existing();
        var results = await Task.WhenAll(status.Fragments.Select(f => ChallengeAsync(status, f)));
        var now = time.GetUtcNow();
        for (var i = 0; i < results.Length; i++)
        {
            var fragment = status.Fragments[i];
            if (state.State.RepairPlan.ContainsKey(fragment.Index))
            {
                continue;
            }

            fragment.Health = results[i];
            fragment.AuditedAt = now;
            if (results[i] == FragmentHealth.Healthy)
            {
                fragment.AuditsPassed++;
            }
            else
            {
                fragment.AuditsFailed++;
                StorageLog.AuditFailed(log, DealId, fragment.Index, fragment.ProviderId, results[i].ToString());
            }
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
    /// checks each against the recorded Merkle root.</summary>
    private async Task<FragmentHealth> ChallengeAsync(DealStatus status, DealFragment fragment)
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
                if (proof.Chunk.Length != status.ChunkSize
                    || !ChunkMerkleTree.Verify(root, status.ChunkCount, challenge.ChunkIndex, proof.Chunk, proof.Proof))
                {
                    return FragmentHealth.Corrupt;
                }
            }

            return FragmentHealth.Healthy;
        }
        catch (StorageUnavailableException)
        {
            return FragmentHealth.Missing;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return FragmentHealth.Unreachable;
        }
    }

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
                await grain.AuditAsync();
            }
            catch (Exception e) when (e is StorageUnavailableException or DealNotPlacedException)
            {
                // The deal says so in its state; the next round tries again.
            }

            grain.ArmAuditTimer();
        }, this, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = false });
    }
}
