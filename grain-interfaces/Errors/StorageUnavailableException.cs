namespace Marketplace.GrainInterfaces;

/// <summary>A stored blob cannot be read back now: fewer than k of its fragments could be fetched and verified. Code
/// <c>storage_unavailable</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.storage-unavailable")]
public sealed class StorageUnavailableException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "storage_unavailable";

    /// <summary>Creates the error.</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
