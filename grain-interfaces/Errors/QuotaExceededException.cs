namespace Marketplace.GrainInterfaces;

/// <summary>The client is at one of its quotas (for example its number of unfinished jobs); it may try again once some
/// of its work has finished. Code <c>quota_exceeded</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.quota-exceeded")]
public sealed class QuotaExceededException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "quota_exceeded";

    /// <summary>Creates the error.</summary>
    public QuotaExceededException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
