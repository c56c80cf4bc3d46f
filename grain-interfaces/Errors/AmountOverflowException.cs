namespace Marketplace.GrainInterfaces;

/// <summary>An amount or a balance would pass the largest amount the settlement holds (<see cref="UInt128.MaxValue"/>
/// smallest units). Nothing was moved. Code <c>amount_overflow</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.amount-overflow")]
public sealed class AmountOverflowException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "amount_overflow";

    /// <summary>Creates the error.</summary>
    public AmountOverflowException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
