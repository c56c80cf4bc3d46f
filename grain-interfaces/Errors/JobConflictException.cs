namespace Marketplace.GrainInterfaces;

/// <summary>The job is in a state that does not allow the operation (for example cancelling a completed job). Code <c>job_conflict</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.job-conflict")]
public sealed class JobConflictException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "job_conflict";

    /// <summary>Creates the error.</summary>
    public JobConflictException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
