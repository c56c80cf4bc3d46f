namespace Marketplace.GrainInterfaces;

/// <summary>A deal could not be placed: fewer eligible storage providers than the policy's fragments. The message
/// names every provider considered and why it was refused (as <see cref="DealStatus.WhyNotPlaced"/> does). Code
/// <c>deal_not_placed</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.deal-not-placed")]
public sealed class DealNotPlacedException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "deal_not_placed";

    /// <summary>Creates the error.</summary>
    public DealNotPlacedException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
