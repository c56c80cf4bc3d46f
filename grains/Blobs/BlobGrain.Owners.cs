// Owners joining and leaving, and their charges in the clients' stored bytes (ClientStorageGrain). This grain is the
// source of truth for ownership; the client's ledger follows it, idempotent by blob id. Order: a new owner is charged
// before it is written (a refused charge leaves no owner, and a failure in between leaves a charge without ownership,
// never the reverse); a leaving owner is written out before its charge is released. A client that is not an owner has
// nothing charged for the blob, so its delete releases whatever a failure in between may have left, before it answers
// as for a blob that is not stored.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <content>Owners: who joins (uploads, job outputs), who leaves (deletes), and what they are charged.</content>
internal sealed partial class BlobGrain
{
    /// <inheritdoc />
    public async Task DeleteAsync(BlobCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireValidId();
        if (caller.ClientId is not { } client)
        {
            throw new InvalidRequestException($"The silo's authority owns no blob, so it has none to give up (blob {Id}).");
        }

        if (!record.RecordExists || !record.State.Owners.Contains(client))
        {
            await Ledger(client).ReleaseAsync(Id);
            if (!record.RecordExists)
            {
                DeactivateOnIdle();
            }

            throw NotStored();
        }

        if (record.State.Owners.Count == 1)
        {
            // The last owner: nobody holds the bytes any more. The record goes (grants and the public flag with it),
            // then the blob's references to its chunks: those no other blob references are collected after the grace.
            var chunks = record.State.Chunks;
            await record.ClearStateAsync();
            _manifest = null;
            _readers.Clear();
            DeactivateOnIdle();
            log.BlobCleared(Id, client);
            await ForgetChunksAsync(chunks);
        }
        else
        {
            await ChangeAsync(x => x.Owners.Remove(client));
            log.BlobOwnerLeft(Id, client, record.State.Owners.Count);
        }

        await Ledger(client).ReleaseAsync(Id);
    }

    /// <summary>Makes <paramref name="client"/> an owner of the stored blob: a grant becomes ownership (the entry count
    /// stays), a new owner needs room in the bound unless the blob is public (then everybody reads it anyway and the
    /// owner is not recorded, nor charged), and is charged first (refused past its quota unless
    /// <paramref name="owner"/> stores a job's output).</summary>
    private async Task AddOwnerAsync(string client, BlobCaller owner)
    {
        var r = record.State;
        if (r.Owners.Contains(client))
        {
            // Bytes the client owns cost nothing more and are never refused; the charge is made only if it is missing
            // (a blob owned before stored bytes were counted).
            await Ledger(client).ChargeAsync(Id, r.Size, enforceQuota: false);
            return;
        }

        var granted = r.SharedWith.Contains(client);
        if (!granted && r.AccessEntries >= _maxAccessEntries)
        {
            if (r.Public)
            {
                return;
            }

            throw AccessListFull(r);
        }

        await ChargeAsync(client, r.Size, owner);
        try
        {
            await ChangeAsync(x =>
            {
                x.SharedWith.Remove(client);
                x.Owners.Add(client);
            });
        }
        catch
        {
            await UndoChargeAsync(client);
            throw;
        }
    }

    /// <summary>Charges this blob to <paramref name="client"/>, checking its quota unless <paramref name="owner"/> stores
    /// a job's output.</summary>
    private Task ChargeAsync(string client, long size, BlobCaller owner) =>
        Ledger(client).ChargeAsync(Id, size, enforceQuota: !owner.JobOutput);

    /// <summary>Takes back a charge whose ownership could not be written. If that fails too, the charge stays until the
    /// client deletes the blob (which releases it) or uploads it again (which makes it the owner it paid for).</summary>
    private async Task UndoChargeAsync(string client)
    {
        try
        {
            await Ledger(client).ReleaseAsync(Id);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or MarketplaceException)
        {
            log.StorageChargeUndoFailed(e, Id, client);
        }
    }

    /// <summary>Removes this blob's references to <paramref name="chunks"/> once its record is gone. A store that fails
    /// here leaves references too many (chunks kept), never too few.</summary>
    private async Task ForgetChunksAsync(IReadOnlyList<ChunkRef> chunks)
    {
        try
        {
            await store.RemoveReferencesAsync(Id, chunks);
        }
        catch (BlobStoreException e)
        {
            log.ChunkReferencesNotRemoved(e, Id);
        }
    }

    private IClientStorageLedgerGrain Ledger(string client) => GrainFactory.GetGrain<IClientStorageLedgerGrain>(client);
}
