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
            // Fragments only a new provider can take first, so the new providers go where a take-back cannot.
            var bad = status.Fragments.Where(f => f.Health != FragmentHealth.Healthy)
                .OrderBy(f => f.Health == FragmentHealth.Missing ? 1 : 0).ToList();
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

            // New providers first: none that holds (or held) a fragment of this deal.
            var fragmentBytes = (long)status.ChunkSize * status.ChunkCount;
            var exclude = new HashSet<string>(status.Fragments.Select(f => f.ProviderId), StringComparer.Ordinal);
            var (chosen, refusals) = await PlaceAsync(bad.Count, fragmentBytes, status.MaxPricePerGiBMonth, exclude);
            status.WhyNotPlaced = refusals;

            // The plan is made aside and enters the state only with the write below, so a placement call that fails
            // half way leaves no plan the next round would take as recorded.
            var next = new Dictionary<int, string>();
            for (var i = 0; i < chosen.Count; i++)
            {
                next[bad[i].Index] = chosen[i];
            }

            // Then, when no new provider is left, a fragment's own provider takes it back if it answered its audit that
            // it no longer has the fragment (its host lost its disk, say) and is eligible now: it holds no other
            // fragment of the deal, so each provider still holds at most one. One that did not answer, or answered with
            // garbage (corrupt, signed: evidence against it), is not asked.
            var unplaced = bad.Skip(chosen.Count).ToList();
            var takeBack = new HashSet<string>(
                unplaced.Where(f => f.Health == FragmentHealth.Missing).Select(f => f.ProviderId),
                StringComparer.Ordinal);
            if (takeBack.Count > 0)
            {
                exclude.UnionWith(chosen);
                var (again, _) = await PlaceAsync(unplaced.Count, fragmentBytes, status.MaxPricePerGiBMonth, exclude, takeBack);
                foreach (var fragment in unplaced)
                {
                    if (takeBack.Contains(fragment.ProviderId) && again.Contains(fragment.ProviderId))
                    {
                        next[fragment.Index] = fragment.ProviderId;
                    }
                }
            }

            // What has a provider is rebuilt now; the rest waits for the next round (a provider may join or recover).
            if (next.Count == 0)
            {
                Enter(status, DealState.Degraded, $"repair needs {bad.Count} providers and found none");
                await state.WriteStateAsync();
                return status;
            }

            foreach (var (index, providerId) in next)
            {
                plan[index] = providerId;
            }

            Enter(status, DealState.Repairing, plan.Count == bad.Count
                ? $"rebuilding {bad.Count} fragments"
                : $"rebuilding {plan.Count} of {bad.Count} fragments; repair needs {bad.Count} providers and found {plan.Count}");
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
        var left = status.Fragments.Count(f => f.Health != FragmentHealth.Healthy);
        Enter(status, left == 0 ? DealState.Active : DealState.Degraded, left == 0 ? "repaired" : $"repaired in part; {left} of {status.Fragments.Count} fragments still need a provider");
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
