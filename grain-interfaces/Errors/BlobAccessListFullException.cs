namespace Marketplace.GrainInterfaces;

/// <summary>A blob's access list (owners and grants together) is at the silo's bound
/// (<c>Marketplace:Blobs:MaxAccessListEntries</c>), so another client cannot be added: publish the blob instead of
/// sharing it with more clients. Code <c>blob_access_list_full</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.blob-access-list-full")]
public sealed class BlobAccessListFullException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "blob_access_list_full";

    /// <summary>Creates the error.</summary>
    public BlobAccessListFullException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
