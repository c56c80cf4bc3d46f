namespace Marketplace.GrainInterfaces;

/// <summary>
/// The silo's gateway refused a grain client: its credential was missing, unknown, wrong or expired, or the call is
/// outside what the credential's service may do (another client's data, or an operators' call for a service bound to
/// one client). The message says which and what to change. Code <c>gateway_refused</c>.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.error.gateway-refused")]
public sealed class GatewayRefusedException : MarketplaceException
{
    /// <summary>The stable code of this error.</summary>
    public const string ErrorCode = "gateway_refused";

    /// <summary>Creates the error.</summary>
    public GatewayRefusedException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override string Code => ErrorCode;
}
