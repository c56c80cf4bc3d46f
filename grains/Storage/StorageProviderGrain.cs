// Design: the provider grain is a thin, stateless front of its silo's fragment store: its durable state is the files
// in its directory, nothing else. Placed by StorageProviderPlacement on its hosting silo; activated anywhere else
// (its silo is gone) it reports itself offline, refuses every fragment call and deactivates.
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Storage;

/// <summary>A storage provider (<see cref="IStorageProviderGrain"/>).</summary>
[StorageProviderPlacement]
internal sealed class StorageProviderGrain(LocalStorageProviders local, ILocalSiloDetails silo, ILogger<StorageProviderGrain> log) : Grain, IStorageProviderGrain
{
    private string Id => this.GetPrimaryKeyString();

    public Task<StorageProviderInfo> GetInfoAsync()
    {
        if (!local.TryGet(Id, out var options, out var store))
        {
            DeactivateOnIdle();
            return Task.FromResult(new StorageProviderInfo { ProviderId = Id, Online = false });
        }

        return Task.FromResult(new StorageProviderInfo
        {
            ProviderId = Id,
            CapacityBytes = options.CapacityBytes,
            UsedBytes = store.UsedBytes,
            PricePerGiBMonth = options.PricePerGiBMonth,
            Labels = new Dictionary<string, string>(options.Labels),
            Silo = silo.SiloAddress.ToParsableString(),
            Online = true,
        });
    }

    public async Task PutFragmentAsync(string dealId, int index, byte[] data)
    {
        var store = Store();
        await store.PutAsync(Checked(dealId), index, data);
        StorageLog.FragmentStored(log, Id, dealId, index, data.Length);
    }

    public async Task<byte[]> GetFragmentAsync(string dealId, int index, CancellationToken cancellationToken = default) =>
        await Store().GetAsync(Checked(dealId), index, cancellationToken)
            ?? throw new StorageUnavailableException($"storage provider {Id} does not hold fragment {index} of deal {dealId}");

    public async Task<StorageProof> ProveAsync(StorageChallenge challenge)
    {
        var fragment = await GetFragmentAsync(challenge.DealId, challenge.Fragment);
        if (challenge.ChunkSize < 1 || fragment.Length % challenge.ChunkSize != 0 || challenge.ChunkIndex < 0
            || challenge.ChunkIndex >= fragment.Length / challenge.ChunkSize)
        {
            // The stored fragment does not have the deal's shape: what it answers cannot verify, and the audit says so.
            return new StorageProof { Chunk = [], Proof = [] };
        }

        var tree = ChunkMerkleTree.Build(fragment, challenge.ChunkSize);
        return new StorageProof
        {
            Chunk = fragment.AsSpan(challenge.ChunkIndex * challenge.ChunkSize, challenge.ChunkSize).ToArray(),
            Proof = tree.GetProof(challenge.ChunkIndex),
        };
    }

    public Task DeleteFragmentAsync(string dealId, int index)
    {
        Store().Delete(Checked(dealId), index);
        return Task.CompletedTask;
    }

    private FragmentStore Store()
    {
        if (!local.TryGet(Id, out _, out var store))
        {
            DeactivateOnIdle();
            throw new StorageUnavailableException($"storage provider {Id} is offline: no live silo hosts it");
        }

        return store;
    }

    private static string Checked(string dealId) =>
        StorageIds.IsValid(dealId) ? dealId : throw new InvalidRequestException($"dealId: '{dealId}' is not a deal id");
}
