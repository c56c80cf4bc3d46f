using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>
/// The silo-internal side of a client's storage grain: blob grains charge a blob to a client when it becomes an owner
/// and release it when it stops being one. Not part of the client contract (grain-interfaces), so clients cannot change
/// their own usage.
/// </summary>
/// <remarks>Both calls are idempotent by blob id: the ledger keeps the ids it charged, so a repeated charge (an upload
/// retried after a failure, the same bytes stored again) counts the blob once, and a repeated release takes it off
/// once.</remarks>
internal interface IClientStorageLedgerGrain : IGrainWithStringKey
{
    /// <summary>Charges blob <paramref name="blobId"/> of <paramref name="size"/> bytes to the client (nothing when it is
    /// charged already). With <paramref name="enforceQuota"/>, throws <see cref="QuotaExceededException"/> instead when
    /// the blob would take the client past its stored-bytes or blob quota; without (a job's output), charges it all the
    /// same.</summary>
    Task ChargeAsync(string blobId, long size, bool enforceQuota);

    /// <summary>Takes blob <paramref name="blobId"/>'s charge off the client (nothing when it is not charged).</summary>
    Task ReleaseAsync(string blobId);
}
