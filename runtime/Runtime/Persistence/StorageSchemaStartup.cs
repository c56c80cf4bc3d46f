using Microsoft.Extensions.Hosting;

namespace Marketplace.Runtime.Persistence;

/// <summary>Applies one provider's schema when the host starts, so a wrong connection string fails the start.</summary>
internal sealed class StorageSchemaStartup : IHostedService
{
    private readonly Func<CancellationToken, Task> _initialize;

    public StorageSchemaStartup(Func<CancellationToken, Task> initialize) => _initialize = initialize;

    public Task StartAsync(CancellationToken cancellationToken) => _initialize(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
