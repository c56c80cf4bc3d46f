using Marketplace.Sdk;

namespace Marketplace.Cli.Connection;

/// <summary>Opens a marketplace client for a CLI run.</summary>
internal interface IMarketplaceClientFactory
{
    /// <summary>Connects. Fails with the transport's error when the marketplace cannot be reached.</summary>
    Task<ConnectedClient> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken);
}

/// <summary>A connected client and whatever must be closed with it (the cluster client, the HTTP client).</summary>
internal sealed class ConnectedClient(IMarketplaceClient client, IAsyncDisposable? owner) : IAsyncDisposable
{
    /// <summary>The client.</summary>
    public IMarketplaceClient Client { get; } = client;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
