namespace Marketplace.GrainInterfaces;

/// <summary>Submitted evidence does not prove what it claims (the message says which check failed). Code
/// <c>evidence_invalid</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.evidence-invalid")]
public sealed class EvidenceInvalidException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "evidence_invalid";

    /// <summary>Creates the error.</summary>
    public EvidenceInvalidException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
