using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>
/// The silo-internal side of a client's storage grain: blob grains charge a blob to a client when it becomes an owner
/// and release it when it stops being one. Not part of the client contract (grain-interfaces), so clients cannot change
/// their own usage.
/// </summary>
/// <remarks>Charges and releases are idempotent by blob id: the ledger keeps the ids it charged, so a repeated charge (an upload
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

    /// <summary>Holds <paramref name="bytes"/> of the client's stored bytes for one upload activation
    /// <paramref name="uploadId"/> (the new bytes it wrote so far, replacing what it held) until <paramref name="hold"/>
    /// from now. With <paramref name="enforceQuota"/>, throws <see cref="QuotaExceededException"/> (holding what it held
    /// before) when the hold grows and the client's stored bytes, every other upload's and these would pass its quota. <paramref name="blobId"/>, once
    /// the upload knows it, names the blob whose charge takes the hold over.</summary>
    Task HoldUploadAsync(Guid uploadId, long bytes, TimeSpan hold, bool enforceQuota, string? blobId);

    /// <summary>Holds room for a job's output, blob <paramref name="blobId"/> of <paramref name="size"/> bytes, before
    /// the run that made it commits anything: throws <see cref="QuotaExceededException"/> when the client's stored bytes,
    /// every hold and this output would pass its stored-bytes quota, or the client owns as many blobs as it may with the
    /// outputs held. Nothing when the client owns the blob already or holds it for another run; the output's charge
    /// takes the hold over, and a hold whose output was never stored runs out after the upload idle timeout.</summary>
    Task HoldOutputAsync(string blobId, long size);
}
