namespace Marketplace.GrainInterfaces;

/// <summary>A job with the same request id was submitted before with a different body (program, input, limits,
/// labels, arguments or environment). Code <c>request_id_conflict</c>. The same body with the same request id returns
/// the first job instead.</summary>
[GenerateSerializer]
[Alias("marketplace.error.request-id-conflict")]
public sealed class RequestIdConflictException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "request_id_conflict";

    /// <summary>Creates the error.</summary>
    public RequestIdConflictException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
