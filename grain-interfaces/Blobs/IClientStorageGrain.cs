using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The storage of one client (key = client id): the bytes and number of the blobs it owns, and its quota. Blob grains
/// charge a client when it becomes an owner and release it when it gives the blob up; clients only read.
/// </summary>
/// <remarks>An upload that would take the client past its quota is refused with <see cref="QuotaExceededException"/>
/// when the blob registers it as an owner; bytes it already owns cost nothing and are never refused. A job's output is
/// held in its client's quota before the job's run commits anything, and a run whose output does not fit fails the job
/// <see cref="FailureReason.QuotaExceeded"/> with no effect; the output's charge then takes the hold over.</remarks>
public interface IClientStorageGrain : IGrainWithStringKey
{
    /// <summary>The client's stored bytes, blob count and quota.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.GrainKey)]
    Task<ClientStorage> GetAsync();

    /// <summary>
    /// The early check of an upload of (so far) <paramref name="bytes"/> bytes, before it ends: throws
    /// <see cref="QuotaExceededException"/> (naming the usage and the limit) when no blob of that size can end owned by
    /// the client without passing its quota, else returns the largest size that still may (<see cref="long.MaxValue"/>
    /// without a limit), so the uploader asks again only once it passes that.
    /// </summary>
    /// <remarks>An upload of bytes the client already owns is free, so the answer is the room left or the size of the
    /// client's largest blob, whichever is more: a repeated upload of an owned blob is never refused early. The
    /// authoritative check is the charge when the blob registers the owner.</remarks>
    [ReadOnly]
    [ClientCallable(ClientCallScope.GrainKey)]
    Task<long> CheckUploadAsync(long bytes);
}
