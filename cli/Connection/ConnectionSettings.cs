using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Cli.Connection;

/// <summary>Where and as whom the CLI connects: the HTTP API (<see cref="Url"/>, <see cref="ApiKey"/>) unless a
/// silo <see cref="Gateway"/> is given, then grain calls as <see cref="ClientId"/>: with that client's access to blobs
/// when <see cref="ClientNamed"/> (given by <c>--client-id</c> or <c>MARKETPLACE_CLIENT_ID</c>), else with the
/// operators' full access.</summary>
internal sealed record ConnectionSettings(Uri Url, string? ApiKey, string? Gateway, string ClientId, string ClusterId, bool ClientNamed = false)
{
    /// <summary>The key that signs every HTTP request, or null for unsigned requests.</summary>
    public RequestSigningKey? SigningKey { get; init; }

    /// <summary>The operator service a gateway connection proves; set whenever <see cref="Gateway"/> is.</summary>
    public GatewayCredential? GatewayCredential { get; init; }

    /// <summary>The address named in connection errors.</summary>
    public string Endpoint => Gateway is null ? Url.ToString().TrimEnd('/') : $"gateway {Gateway}";
}
