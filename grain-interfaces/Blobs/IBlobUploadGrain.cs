using Marketplace.Runtime;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// One upload in progress, keyed by a fresh Guid the uploader picks. Bytes arrive in pieces of any size up to
/// <see cref="BlobLimits.MaxAppendBytes"/>; the grain cuts them into chunks, writes each chunk to the chunk store as
/// soon as it is complete (the whole blob is never held in memory) and on <see cref="CompleteAsync"/> registers the
/// blob with its <see cref="IBlobGrain"/>. Uploading the same content twice yields the same id (chunks deduplicate).
/// </summary>
public interface IBlobUploadGrain : IGrainWithGuidKey
{
    /// <summary>Appends bytes. Throws <see cref="BlobTooLargeException"/> past the configured blob size limit and
    /// <see cref="InvalidRequestException"/> after completion or abort.</summary>
    Task AppendAsync(byte[] data);

    /// <summary>Ends the upload and returns the blob's manifest. Throws <see cref="BlobEmptyException"/> when no
    /// byte was appended.</summary>
    /// <param name="mediaType">The media type to record (null: <c>application/octet-stream</c>).</param>
    Task<BlobManifest> CompleteAsync(string? mediaType);

    /// <summary>Abandons the upload; chunks already written stay only if another blob references them.</summary>
    Task AbortAsync();
}
