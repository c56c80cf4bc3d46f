namespace Marketplace.Grains;

/// <summary>The cluster's database (grain state, reminders) did not answer a grain, as while PostgreSQL restarts; the
/// operation may not have taken effect and may be retried. Thrown by <see cref="StorageOutageCallFilter"/> in place of
/// the database's own exception, which has no Orleans codec; the API answers it 503 <c>unavailable</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.cluster-storage-unavailable")]
public sealed class ClusterStorageUnavailableException : Exception
{
    /// <summary>Creates the error.</summary>
    public ClusterStorageUnavailableException(string message)
        : base(message)
    {
    }
}
