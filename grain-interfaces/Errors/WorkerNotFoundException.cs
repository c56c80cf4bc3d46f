namespace Marketplace.GrainInterfaces;

/// <summary>No worker with this id registered. Code <c>worker_not_found</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.worker-not-found")]
public sealed class WorkerNotFoundException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "worker_not_found";

    /// <summary>Creates the error.</summary>
    public WorkerNotFoundException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
