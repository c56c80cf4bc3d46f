namespace Marketplace.GrainInterfaces;

/// <summary>An account holds less than the operation takes: a client's available balance below a job's escrow or a
/// withdrawal, a worker's bonded stake below an unstake, its earnings below a withdrawal. Nothing was moved. Code
/// <c>insufficient_funds</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.insufficient-funds")]
public sealed class InsufficientFundsException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "insufficient_funds";

    /// <summary>Creates the error.</summary>
    public InsufficientFundsException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
