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
internal sealed partial class StorageProviderGrain(LocalStorageProviders local, ILocalSiloDetails silo, ILogger<StorageProviderGrain> log) : Grain, IStorageProviderGrain
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
        // The digests come from what the provider kept while the fragment streamed in (its chunk hashes and its
        // SHA-256), so a commitment never loads the fragment.
        var store = Store();
        var digests = await store.DigestsAsync(Checked(dealId), index, chunkSize, CancellationToken.None);
        if (digests is not { } held)
        {
            await EnsureHeldAsync(store, dealId, index);
            throw new InvalidRequestException($"chunkSize: fragment {index} of deal {dealId} is not a whole number of {chunkSize}-byte chunks");
        }

        var commitment = new FragmentCommitment
        {
            DealId = dealId,
            Fragment = index,
            ChunkSize = chunkSize,
            ChunkCount = held.Leaves.Length / ChunkMerkleTree.HashSize,
            Sha256 = held.Sha256,
            MerkleRoot = ChunkMerkleTree.FromLeafHashes(held.Leaves).Root.ToArray(),
            PublicKey = local.PublicKeyOf(Id),
        };
        commitment.Signature = Bls.Sign(local.KeyOf(Id), commitment.MessageHash()).ToBytes();
        return commitment;
    }

    public async Task<StorageProof> ProveAsync(StorageChallenge challenge)
    {
        // One chunk is read and the proof comes from the fragment's chunk hashes, so an audit never loads a fragment.
        var store = Store();
        var leaves = challenge.ChunkSize >= 1
            ? await store.ChunkHashesAsync(Checked(challenge.DealId), challenge.Fragment, challenge.ChunkSize, CancellationToken.None)
            : null;
        byte[] chunk = [], proof = [];
        if (leaves is null)
        {
            await EnsureHeldAsync(store, challenge.DealId, challenge.Fragment);
        }
        else if (challenge.ChunkIndex >= 0 && challenge.ChunkIndex < leaves.Length / ChunkMerkleTree.HashSize)
        {
            chunk = await ReadFragmentAsync(challenge.DealId, challenge.Fragment, (long)challenge.ChunkIndex * challenge.ChunkSize, challenge.ChunkSize);
            proof = ChunkMerkleTree.FromLeafHashes(leaves).GetProof(challenge.ChunkIndex);
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

    /// <summary>Announces the provider's offer on the capabilities stream. A failed announcement is logged, never
    /// thrown: the fragment call that caused it succeeded, and the next change announces again.</summary>
    private async Task AdvertiseAsync()
    {
        try
        {
            await PublishAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            StorageLog.AdvertiseFailed(log, e, Id);
        }
    }

    private async Task PublishAsync()
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

    /// <summary>Throws <see cref="StorageUnavailableException"/> when the fragment is not held.</summary>
    private async Task EnsureHeldAsync(FragmentStore store, string dealId, int index)
    {
        if (await store.ReadAsync(Checked(dealId), index, 0, 0, CancellationToken.None) is null)
        {
            throw new StorageUnavailableException($"storage provider {Id} does not hold fragment {index} of deal {dealId}");
        }
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
