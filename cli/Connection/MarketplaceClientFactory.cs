using Marketplace.Sdk;

namespace Marketplace.Cli.Connection;

/// <summary>
/// The real connections: the HTTP API through <see cref="HttpMarketplaceClient"/> (the key is checked and the client id
/// learned before the verb runs), or a silo gateway through <see cref="GatewayConnection"/> and
/// <see cref="GrainMarketplaceClient"/> when a gateway is given: as the named client (the HTTP API's rules for that
/// client) or, when no client was named, as the operators' client with full access.
/// </summary>
internal sealed class MarketplaceClientFactory : IMarketplaceClientFactory
{
    public async Task<ConnectedClient> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Gateway is null)
        {
            return await ConnectHttpAsync(settings, cancellationToken).ConfigureAwait(false);
        }

        var gateways = settings.Gateway.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var connection = await GatewayConnection.ConnectAsync(gateways, settings.GatewayCredential!, settings.ClusterId, cancellationToken).ConfigureAwait(false);
        var client = settings.ClientNamed
            ? new GrainMarketplaceClient(connection.Client, settings.ClientId)
            : GrainMarketplaceClient.ForOperator(connection.Client, settings.ClientId);
        return new ConnectedClient(client, connection);
    }

    private static async Task<ConnectedClient> ConnectHttpAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        if (settings.ApiKey is null)
        {
            throw new CliException("unauthorized", ExitCodes.Auth,
                $"{settings.Endpoint} needs an API key: pass --api-key or set MARKETPLACE_API_KEY (a silo on embedded defaults stores its development key in <data folder>/dev-api-key).");
        }

        var http = settings.SigningKey is null
            ? new HttpMarketplaceClient(settings.Url, settings.ApiKey)
            : new HttpMarketplaceClient(settings.Url, settings.ApiKey, settings.SigningKey);
        try
        {
            await http.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            http.Dispose();
            throw;
        }

        return new ConnectedClient(http, new Disposal(http));
    }

    private sealed class Disposal(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
