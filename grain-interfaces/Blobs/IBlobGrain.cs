using Orleans.Concurrency;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One stored blob, keyed by its id (<c>blob</c> + 64 hex, the Merkle root over its chunk hashes, see
/// <see cref="BlobManifest"/>). Chunk bytes live in the silo's content-addressed chunk store, not in grain state;
/// every read verifies each chunk against its SHA-256 and fails with <see cref="BlobIntegrityException"/> on a mismatch.
/// Blobs are written through <see cref="IBlobUploadGrain"/> or <see cref="IBlobWriterGrain"/>.
/// </summary>
/// <remarks>
/// <para>Every call names its <see cref="BlobCaller"/>. A blob belongs to the clients that uploaded it (the same bytes
/// uploaded by two clients are one blob with two owners) and to the client whose job produced it. A client may read a
/// blob it owns, one an owner shared with it, or a public one; an owner may share it with another client id, revoke
/// that, publish it and unpublish it. Sharing is not transitive: a client a blob is shared with may read it but not
/// share it further. A blob stored before blobs had owners has none: only the silo's authority and operators read it
/// until a client uploads the same bytes again (and becomes its owner) or an operator shares or publishes it.</para>
/// <para>A caller that may not read a blob, or may not change its access, gets exactly what a caller of a blob that is
/// not stored gets (null from <see cref="GetManifestAsync"/>, <see cref="BlobNotFoundException"/> from the others), so
/// ids do not leak. A malformed id (see <see cref="BlobIds"/>) fails every call with
/// <see cref="InvalidRequestException"/>. Reads are <c>[ReadOnly]</c>: downloads of the same blob interleave.</para>
/// </remarks>
public interface IBlobGrain : IGrainWithStringKey
{
    /// <summary>The manifest, or null when no blob with this id is stored or <paramref name="caller"/> may not read it.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobManifest?> GetManifestAsync(BlobCaller caller);

    /// <summary>The bytes of chunk <paramref name="index"/>, verified. Throws <see cref="BlobNotFoundException"/>,
    /// <see cref="InvalidRequestException"/> (index out of range) or <see cref="BlobIntegrityException"/>.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Argument)]
    Task<byte[]> ReadChunkAsync(BlobCaller caller, int index);

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/> (fewer at the end of the blob),
    /// read from verified chunks. <paramref name="count"/> is 0 to <see cref="BlobLimits.MaxReadBytes"/>;
    /// <paramref name="offset"/> is 0 to the blob's size (at the size: empty), else <see cref="InvalidRequestException"/>.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Argument)]
    Task<byte[]> ReadRangeAsync(BlobCaller caller, long offset, int count);

    /// <summary>A Merkle inclusion proof that chunk <paramref name="index"/> belongs to this blob.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Argument)]
    Task<ChunkProof> GetChunkProofAsync(BlobCaller caller, int index);

    /// <summary>The blob's access list. Only an owner (or full access) sees it; anyone else gets
    /// <see cref="BlobNotFoundException"/>, also a client the blob is shared with.</summary>
    [ReadOnly]
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> GetAccessAsync(BlobCaller caller);

    /// <summary>Lets <paramref name="clientId"/> read the blob (idempotent; nothing changes for an owner or a client
    /// it is already shared with). Only an owner (or full access) may; anyone else gets
    /// <see cref="BlobNotFoundException"/>. Throws <see cref="InvalidRequestException"/> for a malformed client id and
    /// <see cref="BlobAccessListFullException"/> when owners and grants already fill the silo's bound.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> ShareAsync(BlobCaller caller, string clientId);

    /// <summary>Revokes what <see cref="ShareAsync"/> granted <paramref name="clientId"/> (idempotent). An owner stays
    /// an owner: ownership comes from holding the bytes and is not revoked. Same checks as <see cref="ShareAsync"/>.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> UnshareAsync(BlobCaller caller, string clientId);

    /// <summary>Makes the blob readable by every client (idempotent). Only an owner (or full access) may.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> PublishAsync(BlobCaller caller);

    /// <summary>Makes the blob readable again only by its owners and the clients it is shared with (idempotent). Only
    /// an owner (or full access) may.</summary>
    [ClientCallable(ClientCallScope.Argument)]
    Task<BlobAccessList> UnpublishAsync(BlobCaller caller);

    /// <summary>
    /// Gives up <paramref name="caller"/>'s ownership of the blob and releases its charge in the client's stored bytes
    /// (<see cref="IClientStorageGrain"/>). Only an owner may: anyone else (a client the blob is shared with, a reader
    /// of a public blob, an operator whose client does not own it) gets <see cref="BlobNotFoundException"/>, as for a
    /// blob that is not stored. The silo's authority owns nothing: <see cref="InvalidRequestException"/>.
    /// </summary>
    /// <remarks>
    /// <para>When other owners remain, the blob stays as it is for them (grants and the public flag belong to the
    /// blob); the caller keeps reading it only if it is public. When the last owner leaves, the blob's record is
    /// cleared: the blob answers as one that is not stored to everyone, the silo and operators included, and a job
    /// whose output it was answers <c>blob_not_found</c> for that output. Its chunks stay on disk (other blobs may share
    /// them; unreferenced chunks are not collected yet); uploading the same bytes again stores the blob anew.</para>
    /// <para>A caller that is not an owner also has any charge for the blob released (a charge can outlive ownership
    /// only through a failure between the blob's write and the client's), so repeating a delete that failed is safe:
    /// it answers <see cref="BlobNotFoundException"/> and leaves the client's usage right.</para>
    /// </remarks>
    [ClientCallable(ClientCallScope.Argument)]
    Task DeleteAsync(BlobCaller caller);
}
