namespace Marketplace.GrainInterfaces;

/// <summary>
/// Stores a blob that arrives whole in one call (at most <see cref="BlobLimits.MaxAppendBytes"/>, such as a job's
/// output): the silo the caller is on cuts it into chunks, writes them to its chunk store and registers the blob with
/// its <see cref="IBlobGrain"/>, with no upload grain in between. A stateless worker: every silo answers its own
/// callers (key <see cref="LocalKey"/>). Larger or streamed content goes through <see cref="IBlobUploadGrain"/>;
/// <see cref="BlobTransfer.UploadAsync"/> picks the way.
/// </summary>
[Alias("marketplace.blob-writer")]
public interface IBlobWriterGrain : IGrainWithIntegerKey
{
    /// <summary>The key every caller uses: the grain is a stateless worker, so the call stays on the caller's silo.</summary>
    public const long LocalKey = 0;

    /// <summary>Stores <paramref name="content"/> for <paramref name="owner"/> and returns the blob's manifest (the
    /// stored one when the same content was stored before). Throws <see cref="BlobEmptyException"/> for no bytes,
    /// <see cref="InvalidRequestException"/> for more than <see cref="BlobLimits.MaxAppendBytes"/> or a malformed media
    /// type, <see cref="BlobTooLargeException"/> past the silo's blob size limit, <see cref="BlobStoreException"/>
    /// when the chunk store's disk fails, <see cref="BlobAccessListFullException"/> and
    /// <see cref="QuotaExceededException"/> as <see cref="IBlobUploadGrain.CompleteAsync"/>.</summary>
    /// <param name="content">The whole blob; never changed by the caller once sent.</param>
    /// <param name="mediaType">As for <see cref="IBlobUploadGrain.CompleteAsync"/>.</param>
    /// <param name="owner">Who stores it: its <see cref="BlobCaller.ClientId"/> becomes an owner (a worker stores a
    /// job's output for the job's client with <see cref="BlobCaller.JobOutputFor"/>).</param>
    [Alias("store-for")]
    [ClientCallable(ClientCallScope.Argument, Index = 2)]
    Task<BlobManifest> StoreAsync([Immutable] byte[] content, string? mediaType, BlobCaller owner);
}
