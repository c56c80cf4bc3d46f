namespace Marketplace.GrainInterfaces;

/// <summary>An upload ended without a single byte: empty blobs are rejected. Code <c>blob_empty</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.blob-empty")]
public sealed class BlobEmptyException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "blob_empty";

    /// <summary>Creates the error.</summary>
    public BlobEmptyException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
