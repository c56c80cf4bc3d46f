namespace Marketplace.GrainInterfaces;

/// <summary>A worker registration failed its checks (capabilities, proof of possession). Code <c>worker_rejected</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.worker-rejected")]
public sealed class WorkerRejectedException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "worker_rejected";

    /// <summary>Creates the error.</summary>
    public WorkerRejectedException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
