using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    public async Task<DealStatus> RepairAsync()
    {
        var status = Existing();
        var plan = state.State.RepairPlan;
        if (plan.Count == 0)
        {
            var bad = status.Fragments.Where(f => f.Health != FragmentHealth.Healthy).ToList();
            if (bad.Count == 0)
            {
                Enter(status, DealState.Active, "every fragment healthy");
                await state.WriteStateAsync();
                return status;
            }

            if (status.HealthyFragments < status.Policy.DataFragments)
            {
                Enter(status, DealState.Lost, $"{status.HealthyFragments} healthy fragments, {status.Policy.DataFragments} needed");
                await state.WriteStateAsync();
                throw new StorageUnavailableException($"deal {DealId} has {status.HealthyFragments} healthy fragments and needs {status.Policy.DataFragments} to rebuild");
            }

            // New providers only: none that holds (or held) a fragment of this deal.
            var exclude = new HashSet<string>(status.Fragments.Select(f => f.ProviderId), StringComparer.Ordinal);
            var (chosen, refusals) = await PlaceAsync(bad.Count, (long)status.ChunkSize * status.ChunkCount, status.MaxPricePerGiBMonth, exclude);
            status.WhyNotPlaced = refusals;
            if (chosen.Count < bad.Count)
            {
                Enter(status, DealState.Degraded, $"repair needs {bad.Count} new providers and found {chosen.Count}");
                await state.WriteStateAsync();
                return status;
            }

            for (var i = 0; i < bad.Count; i++)
            {
                plan[bad[i].Index] = chosen[i];
            }

            Enter(status, DealState.Repairing, $"rebuilding {bad.Count} fragments");
            await state.WriteStateAsync();
        }

        var survivors = await FetchFirstAsync(status, status.Policy.DataFragments, new HashSet<int>(plan.Keys));
        byte[] blob;
        try
        {
            blob = new BlobDecoder().Decode(ManifestOf(status), survivors);
        }
        catch (ErasureCodingException e)
        {
            throw new StorageUnavailableException($"deal {DealId} cannot be rebuilt: {e.Message}");
        }

        var encoded = new BlobEncoder(status.Policy.DataFragments, status.Policy.ParityFragments).Encode(blob);
        foreach (var (index, providerId) in plan)
        {
            var bytes = encoded.Fragments[index];
            var fragment = status.Fragments[index];
            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != fragment.Sha256)
            {
                throw new StorageUnavailableException($"deal {DealId}: fragment {index} rebuilt with another digest; nothing was replaced");
            }

            var commitment = await StoreAndCommitAsync(fragment, providerId, bytes, status.ChunkSize);
            fragment.ProviderId = providerId;
            fragment.Commitment = commitment;
            fragment.PricePerGiBMonth = (await Provider(providerId).GetInfoAsync()).PricePerGiBMonth;
            fragment.Health = FragmentHealth.Healthy;
            fragment.AuditedAt = null;
            StorageLog.Repaired(log, DealId, index, providerId);
        }

        plan.Clear();
        Enter(status, DealState.Active, "repaired");
        await state.WriteStateAsync();
        return status;
    }
}
