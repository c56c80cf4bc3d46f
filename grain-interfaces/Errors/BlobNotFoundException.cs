namespace Marketplace.GrainInterfaces;

/// <summary>No blob with this id is stored. Code <c>blob_not_found</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.blob-not-found")]
public sealed class BlobNotFoundException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "blob_not_found";

    /// <summary>Creates the error.</summary>
    public BlobNotFoundException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
