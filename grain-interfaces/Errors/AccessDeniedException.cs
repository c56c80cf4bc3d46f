namespace Marketplace.GrainInterfaces;

/// <summary>The caller may not see or change this resource (for example another client's job). Code <c>forbidden</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.access-denied")]
public sealed class AccessDeniedException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "forbidden";

    /// <summary>Creates the error.</summary>
    public AccessDeniedException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
