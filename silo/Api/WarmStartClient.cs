namespace Marketplace.Silo.Api;

/// <summary>Request feature of a warm-start request, set only in memory by <see cref="WarmStartServer"/> (no request
/// from the network can carry it): <see cref="ApiKeyMiddleware"/> admits it as the reserved client
/// <see cref="ClientId"/>.</summary>
internal sealed class WarmStartClient
{
    /// <summary>The client id the warm start's requests run as.</summary>
    public const string ClientId = "marketplace-warm-start";

    public static WarmStartClient Instance { get; } = new();
}
