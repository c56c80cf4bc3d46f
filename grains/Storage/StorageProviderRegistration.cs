using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Grains.Storage;

/// <summary>At start, records this silo's providers in the directory (placement reads it).</summary>
internal sealed class StorageProviderRegistration(IGrainFactory grains, LocalStorageProviders local) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var directory = grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey);
        foreach (var id in local.Ids)
        {
            await directory.RegisterAsync(id).WaitAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
