namespace Marketplace.Silo.Gateway;

/// <summary>One operator service allowed through the grain gateway: its secret and what it may act as.</summary>
/// <param name="Name">The service's name (<c>Marketplace:Gateway:Services:{name}</c>).</param>
/// <param name="Secret">Its secret.</param>
/// <param name="ClientId">The one client it may act as; null for an operator service.</param>
internal sealed record GatewayService(string Name, string Secret, string? ClientId)
{
    /// <summary>True when the service may act as any client with the operators' full access.</summary>
    public bool IsOperator => ClientId is null;
}
