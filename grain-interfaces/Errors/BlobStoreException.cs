namespace Marketplace.GrainInterfaces;

/// <summary>
/// The blob store could not finish an operation for a reason on the silo's side: the chunk store's disk failed
/// (full, read-only, permissions), or an upload lost its in-memory state (silo restart) before it completed. The
/// message names the chunk or upload; retrying the whole upload or read may succeed. Code <c>blob_store_failed</c>.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.error.blob-store")]
public sealed class BlobStoreException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "blob_store_failed";

    /// <summary>Creates the error.</summary>
    public BlobStoreException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
