namespace Marketplace.GrainInterfaces;

/// <summary>No storage deal with this id exists (or it belongs to another client). Code <c>deal_not_found</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.deal-not-found")]
public sealed class DealNotFoundException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "deal_not_found";

    /// <summary>Creates the error.</summary>
    public DealNotFoundException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
