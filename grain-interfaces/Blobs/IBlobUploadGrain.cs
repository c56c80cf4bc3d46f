namespace Marketplace.GrainInterfaces;

/// <summary>
/// One upload in progress, keyed by a fresh Guid the uploader picks. Bytes arrive in pieces of any size up to
/// <see cref="BlobLimits.MaxAppendBytes"/>; the grain cuts them into chunks, writes each chunk to the chunk store as
/// soon as it is complete (the whole blob is never held in memory) and on <see cref="CompleteAsync"/> registers the
/// blob with its <see cref="IBlobGrain"/>. Uploading the same content twice yields the same id (chunks deduplicate).
/// An upload that receives no call for the silo's <c>Marketplace:Blobs:UploadIdleTimeout</c> aborts itself. Upload
/// state lives in memory only: a silo restart loses unfinished uploads. Clients normally use
/// <see cref="BlobTransfer.UploadAsync"/>.
/// </summary>
public interface IBlobUploadGrain : IGrainWithGuidKey
{
    /// <summary>Opens the upload for <paramref name="uploader"/>, before any byte: every byte it then sends is charged to
    /// that client's stored bytes while the upload is under way and, after it is abandoned, until its chunks may be
    /// collected (the silo's <c>Marketplace:Blobs:UnreferencedChunkGrace</c> past its last piece), so no sequence of
    /// uploads takes a client past its quota. A piece that would is refused with <see cref="QuotaExceededException"/>
    /// and the upload aborted. Repeatable for the same client; another client's call, or a piece before this call, is
    /// refused with <see cref="InvalidRequestException"/>. The silo's authority is charged nothing.</summary>
    [ClientCallable(ClientCallScope.Argument, Index = 0)]
    Task BeginAsync(BlobCaller uploader);

    /// <summary>Appends bytes (after <see cref="BeginAsync"/>). Throws <see cref="BlobTooLargeException"/> past the
    /// configured blob size limit (the upload is then aborted), <see cref="QuotaExceededException"/> past the
    /// uploader's stored-bytes quota (likewise), <see cref="InvalidRequestException"/> for a piece over
    /// <see cref="BlobLimits.MaxAppendBytes"/> or after an abort, <see cref="BlobStoreException"/> when the chunk store's
    /// disk fails. A completed upload deactivates, after which this form would start a new upload under the same key:
    /// prefer <see cref="AppendAtAsync"/>.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task AppendAsync(byte[] data);

    /// <summary>
    /// Appends bytes that must start at <paramref name="offset"/>, the number of bytes appended so far. A mismatch
    /// throws <see cref="InvalidRequestException"/> naming both offsets: it catches a repeated or skipped piece and an
    /// upload whose activation was lost (aborted after its idle timeout, or a silo restart) before the next piece.
    /// Otherwise as <see cref="AppendAsync"/>; <see cref="BlobTransfer"/> uses this form.
    /// </summary>
    [ClientCallable(ClientCallScope.Public)]
    Task AppendAtAsync(long offset, byte[] data);

    /// <summary>Ends the upload and returns the blob's manifest (the stored one when the same content was uploaded
    /// before: the first upload's media type and creation time stay), and makes <paramref name="owner"/>'s client an
    /// owner of the blob (the silo's authority records none). Throws <see cref="BlobEmptyException"/> when no byte was
    /// appended, <see cref="InvalidRequestException"/> for a malformed media type, <see cref="BlobAccessListFullException"/>
    /// when the blob is already stored, not public, and its access list has no room for another owner,
    /// <see cref="QuotaExceededException"/> when owning the blob would take the client past its storage quota (bytes it
    /// already owns never do; a <see cref="BlobCaller.JobOutputFor"/> owner is charged without the check). A refused
    /// upload registers nothing for the client.</summary>
    /// <param name="mediaType">The media type to record (null or blank: <c>application/octet-stream</c>); <c>type/subtype</c>
    /// with optional parameters, printable ASCII, at most 255 characters.</param>
    /// <param name="owner">Who uploads: its <see cref="BlobCaller.ClientId"/> becomes an owner.</param>
    [ClientCallable(ClientCallScope.Argument, Index = 1)]
    Task<BlobManifest> CompleteAsync(string? mediaType, BlobCaller owner);

    /// <summary>Abandons the upload (idempotent) and frees its buffer; nothing is registered. Chunks it already wrote
    /// stay in the chunk store until the collector frees those no blob references (after the grace), and stay
    /// charged to the uploader until then.</summary>
    [ClientCallable(ClientCallScope.Public)]
    Task AbortAsync();
}
