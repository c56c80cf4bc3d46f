namespace Marketplace.GrainInterfaces;

/// <summary>Stored bytes no longer match their SHA-256 address (a chunk was damaged or is missing). Code <c>blob_integrity</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.blob-integrity")]
public sealed class BlobIntegrityException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "blob_integrity";

    /// <summary>Creates the error.</summary>
    public BlobIntegrityException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
