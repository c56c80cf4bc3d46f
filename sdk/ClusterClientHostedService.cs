using Microsoft.Extensions.Hosting;

namespace Marketplace.Sdk;

/// <summary>Connects the client on host start, closes it on stop.</summary>
internal sealed class ClusterClientHostedService(ClusterClient client) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => client.ConnectAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => client.CloseAsync();
}
