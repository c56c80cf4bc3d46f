// Design: a repair streams like a read. The survivors are read window by window through DealReader (every chunk
// checked against its leaf), each stripe is rebuilt whole, and the rebuilt shards of the fragments in the plan are
// written to their new providers in pieces while their SHA-256 and chunk Merkle root are computed; a fragment is
// committed at its provider only when both equal the deal's record, so a repair never places other bytes.
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
            foreach (var interruption in interruptions)
            {
                interruption.AfterPlanRecorded(DealId);
            }
        }

        await RebuildOntoAsync(status, plan);
        foreach (var (index, providerId) in plan)
        {
            var fragment = status.Fragments[index];
            var commitment = await TakeCommitmentAsync(index, providerId, fragment.Sha256, fragment.MerkleRoot, status.ChunkSize);
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

    /// <summary>Rebuilds the fragments of <paramref name="plan"/> from the others and writes each to its new provider,
    /// committing it there only when its digests match the deal's record.</summary>
    private async Task RebuildOntoAsync(DealStatus status, Dictionary<int, string> plan)
    {
        var meter = transfers.Meter;
        var pieceBytes = DealTransfers.PieceBytes(Options, status);
        var fragmentLength = (long)status.ChunkSize * status.ChunkCount;
        var targets = plan.Select(p => new RebuildTarget(p.Key, new ProviderFragmentStream(Provider(p.Value), DealId, p.Key, pieceBytes, meter), status.ChunkCount)).ToList();
        try
        {
            await Task.WhenAll(targets.Select(t => t.Stream.BeginAsync(fragmentLength, status.ChunkSize)));
            var reader = new DealReader(GrainFactory, status, Options, meter);
            await reader.RebuildAsync(new HashSet<int>(plan.Keys), async (stripe, shards) =>
            {
                foreach (var target in targets)
                {
                    var shard = shards[target.Index];
                    target.Hash.AppendData(shard.Span);
                    ChunkMerkleTree.HashLeaf(shard.Span, target.Leaves.AsSpan(stripe * ChunkMerkleTree.HashSize, ChunkMerkleTree.HashSize));
                    await target.Stream.WriteAsync(shard);
                }
            }, CancellationToken.None);

            foreach (var target in targets)
            {
                var fragment = status.Fragments[target.Index];
                if (Convert.ToHexStringLower(target.Hash.GetHashAndReset()) != fragment.Sha256
                    || Convert.ToHexStringLower(ChunkMerkleTree.FromLeafHashes(target.Leaves).Root) != fragment.MerkleRoot)
                {
                    throw new StorageUnavailableException($"deal {DealId}: fragment {target.Index} rebuilt with another digest; nothing was replaced");
                }
            }

            await Task.WhenAll(targets.Select(t => t.Stream.CompleteAsync()));
        }
        catch (Exception e) when (e is StorageUnavailableException or QuotaExceededException or OrleansException or TimeoutException or ErasureCodingException)
        {
            foreach (var target in targets)
            {
                await target.Stream.AbortAsync();
            }

            throw e is ErasureCodingException ? new StorageUnavailableException($"deal {DealId} cannot be rebuilt: {e.Message}") : e;
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Dispose();
            }
        }
    }

    /// <summary>One fragment being rebuilt: its stream to the new provider and its digests so far.</summary>
    private sealed class RebuildTarget(int index, ProviderFragmentStream stream, int chunkCount) : IDisposable
    {
        public int Index { get; } = index;

        public ProviderFragmentStream Stream { get; } = stream;

        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Leaves { get; } = new byte[chunkCount * ChunkMerkleTree.HashSize];

        public void Dispose()
        {
            Stream.Dispose();
            Hash.Dispose();
        }
    }
}
