// Who besides its owner may read a deal's blob. The access list lives here, in the deal's state, like a chunk-store
// blob's in its blob grain; the blob's ISharedDealsGrain only lists the deals that grant anyone anything, so a reader
// of the blob id knows which deals to ask. A deal is listed before its first grant is written and unlisted after its
// last one is gone (or it ends), so the index never misses a deal that grants: at worst it names one that no longer
// does, and that deal answers "not readable". One client lists at most 4 deals per blob, so nobody fills the index.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <content>Sharing and publishing a deal's blob, and reading it with the silo's authority.</content>
internal sealed partial class StorageDealGrain
{
    public Task<DealStatus?> FindReadableAsync(string clientId)
    {
        if (state.State.Status is not { } status || status.State is DealState.Placing or DealState.Ended
            || status.Fragments.Count == 0 || status.Fragments[0].MerkleRoot.Length == 0)
        {
            return Task.FromResult<DealStatus?>(null);
        }

        var readable = status.ClientId == clientId || state.State.Public || state.State.SharedWith.Contains(clientId);
        return Task.FromResult(readable ? status : null);
    }

    public async Task<byte[]> ReadForSiloAsync(long offset, int length)
    {
        var status = Existing();
        if (status.State == DealState.Ended)
        {
            throw new DealNotFoundException($"storage deal {DealId} ended at {status.EndsAt:O}; its fragments were deleted");
        }

        if (offset < 0 || length < 0 || length > StorageDeals.MaxSiloReadBytes)
        {
            throw new InvalidRequestException($"range: {length} bytes from {offset}; one read takes 0 to {StorageDeals.MaxSiloReadBytes} bytes from offset 0 or later");
        }

        var take = (int)Math.Clamp(status.Length - offset, 0, length);
        var bytes = new byte[take];
        if (take > 0)
        {
            using var destination = new MemoryStream(bytes);
            await transfers.ReadAsync(status, offset, take, destination, CancellationToken.None);
        }

        return bytes;
    }

    public Task<BlobAccessList> GetAccessAsync(string clientId)
    {
        OwnedLive(clientId);
        return Task.FromResult(AccessList());
    }

    public async Task<BlobAccessList> ShareAsync(string clientId, string granteeId)
    {
        var status = OwnedLive(clientId);
        var grantee = ClientIds.Require(granteeId, "client_id");
        var access = state.State;
        if (grantee == status.ClientId || access.SharedWith.Contains(grantee))
        {
            return AccessList();
        }

        if (access.SharedWith.Count + 1 >= blobOptions.Value.MaxAccessListEntries)
        {
            throw new BlobAccessListFullException($"deal {DealId} already lets {access.SharedWith.Count} clients read its blob, the most it may; publish it instead");
        }

        await ListAsync();
        access.SharedWith.Add(grantee);
        await WriteAccessAsync(() => access.SharedWith.Remove(grantee));
        StorageLog.DealShared(log, DealId, grantee);
        return AccessList();
    }

    public async Task<BlobAccessList> UnshareAsync(string clientId, string granteeId)
    {
        OwnedLive(clientId);
        var grantee = ClientIds.Require(granteeId, "client_id");
        if (state.State.SharedWith.Remove(grantee))
        {
            await WriteAccessAsync(() => state.State.SharedWith.Add(grantee));
            StorageLog.DealUnshared(log, DealId, grantee);
            await UnlistWhenPrivateAsync();
        }

        return AccessList();
    }

    public async Task<BlobAccessList> SetPublicAsync(string clientId, bool value)
    {
        OwnedLive(clientId);
        if (state.State.Public != value)
        {
            if (value)
            {
                await ListAsync();
            }

            state.State.Public = value;
            await WriteAccessAsync(() => state.State.Public = !value);
            StorageLog.DealPublicChanged(log, DealId, value);
            await UnlistWhenPrivateAsync();
        }

        return AccessList();
    }

    /// <summary>The deal of <paramref name="clientId"/> while its bytes are stored.</summary>
    private DealStatus OwnedLive(string clientId)
    {
        var status = Readable(clientId);
        return status.State == DealState.Placing
            ? throw new DealNotFoundException($"storage deal {DealId} is still being stored")
            : status;
    }

    /// <summary>Lists the deal in its blob's index before a grant is written (every time: listing is idempotent, and
    /// the flag may be stale after a write that failed).</summary>
    private async Task ListAsync()
    {
        var status = Existing();
        await GrainFactory.GetGrain<ISharedDealsGrain>(status.BlobId).AddAsync(DealId, status.ClientId);
        state.State.Listed = true;
    }

    /// <summary>Drops the deal from its blob's index once it grants nothing (or ended). A failure is logged and leaves
    /// it listed, which only costs readers one question; the next access change, or a repeated delete of an ended
    /// deal, tries again.</summary>
    private async Task UnlistWhenPrivateAsync()
    {
        var access = state.State;
        var ended = access.Status is null or { State: DealState.Ended };
        if (!access.Listed || (!ended && (access.Public || access.SharedWith.Count > 0)))
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<ISharedDealsGrain>(Existing().BlobId).RemoveAsync(DealId);
            access.Listed = false;
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or MarketplaceException or ClusterStorageUnavailableException)
        {
            access.Listed = true;
            StorageLog.UnlistFailed(log, e, DealId);
        }
    }

    /// <summary>Writes the state after an access change; when the write fails, <paramref name="undo"/> puts the change
    /// back and the failure is rethrown.</summary>
    private async Task WriteAccessAsync(Action undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            throw;
        }
    }

    private BlobAccessList AccessList() => new()
    {
        BlobId = Existing().BlobId,
        OwnerCount = 1,
        SharedWith = [.. state.State.SharedWith],
        Public = state.State.Public,
        MaxEntries = blobOptions.Value.MaxAccessListEntries,
    };
}
