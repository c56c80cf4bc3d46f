namespace Marketplace.GrainInterfaces;

/// <summary>No job with this id was submitted. Code <c>job_not_found</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.job-not-found")]
public sealed class JobNotFoundException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "job_not_found";

    /// <summary>Creates the error.</summary>
    public JobNotFoundException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
