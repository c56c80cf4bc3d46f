namespace Marketplace.GrainInterfaces;

/// <summary>The cluster's database (grain state, reminders) did not answer a grain, as while PostgreSQL restarts; the
/// operation may not have taken effect and may be retried. Code <c>unavailable</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.cluster-storage-unavailable")]
public sealed class ClusterStorageUnavailableException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "unavailable";

    /// <summary>Creates the error.</summary>
    public ClusterStorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
