// Access changes of one blob: grants, revocations, publishing. Only an owner (or full access) may make them; anyone
// else, including a client the blob is shared with, gets the answer of a blob that is not stored. Each change is one
// state write; a write that fails leaves the record as it was.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <content>The access list: who may read the blob besides its owners.</content>
internal sealed partial class BlobGrain
{
    /// <inheritdoc />
    public Task<BlobAccessList> GetAccessAsync(BlobCaller caller)
    {
        RequireOwner(caller);
        return Task.FromResult(AccessList());
    }

    /// <inheritdoc />
    public async Task<BlobAccessList> ShareAsync(BlobCaller caller, string clientId)
    {
        RequireOwner(caller);
        var grantee = ClientIds.Require(clientId, "client_id");
        var r = record.State;
        if (r.Owners.Contains(grantee) || r.SharedWith.Contains(grantee))
        {
            return AccessList();
        }

        if (r.AccessEntries >= _maxAccessEntries)
        {
            throw AccessListFull(r);
        }

        await ChangeAsync(x => x.SharedWith.Add(grantee));
        log.BlobShared(Id, grantee, caller.ToString());
        return AccessList();
    }

    /// <inheritdoc />
    public async Task<BlobAccessList> UnshareAsync(BlobCaller caller, string clientId)
    {
        RequireOwner(caller);
        var grantee = ClientIds.Require(clientId, "client_id");
        if (record.State.SharedWith.Contains(grantee))
        {
            await ChangeAsync(x => x.SharedWith.Remove(grantee));
            log.BlobUnshared(Id, grantee, caller.ToString());
        }

        return AccessList();
    }

    /// <inheritdoc />
    public Task<BlobAccessList> PublishAsync(BlobCaller caller) => SetPublicAsync(caller, true);

    /// <inheritdoc />
    public Task<BlobAccessList> UnpublishAsync(BlobCaller caller) => SetPublicAsync(caller, false);

    private async Task<BlobAccessList> SetPublicAsync(BlobCaller caller, bool value)
    {
        RequireOwner(caller);
        if (record.State.Public != value)
        {
            await ChangeAsync(x => x.Public = value);
            log.BlobPublicChanged(Id, value, caller.ToString());
        }

        return AccessList();
    }

    /// <summary>Applies <paramref name="change"/> to the stored record and writes it; when the write fails the record
    /// is put back as it was and the failure rethrown.</summary>
    private async Task ChangeAsync(Action<BlobRecord> change)
    {
        var r = record.State;
        List<string> owners = [.. r.Owners], shared = [.. r.SharedWith];
        var wasPublic = r.Public;
        change(r);
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            r.Owners = owners;
            r.SharedWith = shared;
            r.Public = wasPublic;
            throw;
        }
        finally
        {
            Loaded();
        }
    }

    private void RequireOwner(BlobCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireValidId();
        if (!record.RecordExists)
        {
            DeactivateOnIdle();
            throw NotStored();
        }

        if (!IsOwner(caller))
        {
            throw NotStored();
        }
    }

    private BlobAccessList AccessList()
    {
        var r = record.State;
        return new BlobAccessList
        {
            BlobId = Id,
            OwnerCount = r.Owners.Count,
            SharedWith = [.. r.SharedWith],
            Public = r.Public,
            MaxEntries = _maxAccessEntries,
        };
    }
}
