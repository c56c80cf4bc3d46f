namespace Marketplace.GrainInterfaces;

/// <summary>No storage provider with this id is registered or advertised in the provider directory. Code
/// <c>provider_not_found</c>.</summary>
[GenerateSerializer]
[Alias("marketplace.error.provider-not-found")]
public sealed class ProviderNotFoundException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "provider_not_found";

    /// <summary>Creates the error.</summary>
    public ProviderNotFoundException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
