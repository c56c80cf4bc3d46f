namespace Marketplace.GrainInterfaces;

/// <summary>A settlement operation contradicts one already recorded: a job paid after it was refunded (or refunded
/// after it was paid), a job settled that was never escrowed, an escrow repeated with another client or amount, an
/// operation id or evidence hash reused with other arguments. Nothing was moved. Code <c>settlement_conflict</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.settlement-conflict")]
public sealed class SettlementConflictException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "settlement_conflict";

    /// <summary>Creates the error.</summary>
    public SettlementConflictException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
