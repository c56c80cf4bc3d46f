// Design: the provider grain is a thin, stateless front of its silo's fragment store: its durable state is the files
// in its directory (and its key file), nothing else. Placed by StorageProviderPlacement on its hosting silo; activated
// anywhere else (its silo is gone) it reports itself offline, refuses every fragment call and deactivates. Hosted, it
// announces itself on the capabilities stream when it activates (its silo registers it at start) and after every
// write or delete changes its free space, and it signs what it stands by: a commitment to each fragment's digests and
// every audit answer, so a wrong answer is evidence against it.
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Storage;

/// <summary>A storage provider (<see cref="IStorageProviderGrain"/>).</summary>
[StorageProviderPlacement]
internal sealed class StorageProviderGrain(LocalStorageProviders local, ILocalSiloDetails silo, ILogger<StorageProviderGrain> log) : Grain, IStorageProviderGrain
{
    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (local.TryGet(Id, out _, out _))
        {
            await AdvertiseAsync();
        }
    }

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
        var before = store.UsedBytes;
        await store.PutAsync(Checked(dealId), index, data);
        StorageLog.FragmentStored(log, Id, dealId, index, data.Length);
        if (store.UsedBytes != before)
        {
            await AdvertiseAsync();
        }
    }

    public async Task<byte[]> GetFragmentAsync(string dealId, int index, CancellationToken cancellationToken = default) =>
        await Store().GetAsync(Checked(dealId), index, cancellationToken)
            ?? throw new StorageUnavailableException($"storage provider {Id} does not hold fragment {index} of deal {dealId}");

    public async Task<FragmentCommitment> CommitAsync(string dealId, int index, int chunkSize)
    {
        var fragment = await GetFragmentAsync(dealId, index);
        if (chunkSize < 1 || fragment.Length == 0 || fragment.Length % chunkSize != 0)
        {
            throw new InvalidRequestException($"chunkSize: fragment {index} of deal {dealId} holds {fragment.Length} bytes, not a whole number of {chunkSize}-byte chunks");
        }

        var key = local.KeyOf(Id);
        var commitment = new FragmentCommitment
        {
            DealId = dealId,
            Fragment = index,
            ChunkSize = chunkSize,
            ChunkCount = fragment.Length / chunkSize,
            Sha256 = System.Security.Cryptography.SHA256.HashData(fragment),
            MerkleRoot = ChunkMerkleTree.Build(fragment, chunkSize).Root.ToArray(),
            PublicKey = local.PublicKeyOf(Id),
        };
        commitment.Signature = Bls.Sign(key, commitment.MessageHash()).ToBytes();
        return commitment;
    }

    public async Task<StorageProof> ProveAsync(StorageChallenge challenge)
    {
        var fragment = await GetFragmentAsync(challenge.DealId, challenge.Fragment);
        byte[] chunk = [], proof = [];
        if (challenge.ChunkSize >= 1 && fragment.Length % challenge.ChunkSize == 0 && challenge.ChunkIndex >= 0
            && challenge.ChunkIndex < fragment.Length / challenge.ChunkSize)
        {
            chunk = fragment.AsSpan(challenge.ChunkIndex * challenge.ChunkSize, challenge.ChunkSize).ToArray();
            proof = ChunkMerkleTree.Build(fragment, challenge.ChunkSize).GetProof(challenge.ChunkIndex);
        }

        // A stored fragment without the deal's shape answers empty: it cannot verify, and the audit says so. Every
        // answer is signed: the provider stands by what it holds.
        return new StorageProof
        {
            Chunk = chunk,
            Proof = proof,
            Signature = Bls.Sign(local.KeyOf(Id), StorageProof.MessageHash(challenge, chunk, proof)).ToBytes(),
        };
    }

    public async Task DeleteFragmentAsync(string dealId, int index)
    {
        var store = Store();
        var before = store.UsedBytes;
        store.Delete(Checked(dealId), index);
        if (store.UsedBytes != before)
        {
            await AdvertiseAsync();
        }
    }

    /// <summary>Announces the provider's offer on the capabilities stream.</summary>
    private async Task AdvertiseAsync()
    {
        var info = await GetInfoAsync();
        var advertisement = new StorageProviderAdvertisement
        {
            ProviderId = Id,
            CapacityBytes = info.CapacityBytes,
            FreeBytes = info.FreeBytes,
            PricePerGiBMonth = info.PricePerGiBMonth,
            Labels = info.Labels,
            Online = info.Online,
            Silo = info.Silo,
            PublicKey = Convert.ToHexStringLower(local.PublicKeyOf(Id)),
            At = DateTimeOffset.UtcNow,
        };
        await this.GetStreamProvider(MarketplaceStreams.Provider)
            .GetStream<StorageProviderAdvertisement>(StreamId.Create(MarketplaceStreams.Capabilities, MarketplaceStreams.BroadcastKey))
            .OnNextAsync(advertisement);
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
