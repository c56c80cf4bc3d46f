namespace Marketplace.GrainInterfaces;

/// <summary>An upload went past the configured size limit. Code <c>blob_too_large</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.blob-too-large")]
public sealed class BlobTooLargeException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "blob_too_large";

    /// <summary>Creates the error.</summary>
    public BlobTooLargeException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
