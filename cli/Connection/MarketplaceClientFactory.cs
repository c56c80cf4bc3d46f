using Marketplace.Sdk;

namespace Marketplace.Cli.Connection;

/// <summary>
/// The real connections: a silo gateway through <see cref="ClientBuilder"/> and <see cref="GrainMarketplaceClient"/>
/// when a gateway is given, otherwise the HTTP API.
/// </summary>
internal sealed class MarketplaceClientFactory : IMarketplaceClientFactory
{
    /// <summary>How long one gateway connection attempt may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public async Task<ConnectedClient> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Gateway is null)
        {
            return ConnectHttp(settings);
        }

        var cluster = new ClientBuilder()
            .Configure(o =>
            {
                o.GatewayEndpoints.Add(settings.Gateway);
                o.ClusterId = settings.ClusterId;
                o.ConnectTimeout = ConnectTimeout;
                o.ReconnectWaitTimeout = TimeSpan.Zero;
            })
            .Build();
        try
        {
            await cluster.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ConnectedClient(new GrainMarketplaceClient(cluster, settings.ClientId), cluster);
    }

    // The HTTP client (HttpMarketplaceClient) is built by the HTTP API part of the sdk; this is the one place that
    // creates it.
    private static ConnectedClient ConnectHttp(ConnectionSettings settings) =>
        throw new CliException("not_available", ExitCodes.Connection,
            $"this build has no HTTP client yet, so it cannot talk to {settings.Endpoint}; connect to a silo gateway with --gateway host:port instead.");
}
