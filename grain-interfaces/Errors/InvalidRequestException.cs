namespace Marketplace.GrainInterfaces;

/// <summary>A request field is missing, malformed or out of range (the message names the field). Code <c>invalid_request</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.invalid-request")]
public sealed class InvalidRequestException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "invalid_request";

    /// <summary>Creates the error.</summary>
    public InvalidRequestException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
