using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Grains.Storage;

/// <summary>At start, records this silo's providers and their public keys in the directory (placement and evidence
/// read it), then activates each provider grain, which announces the provider on the capabilities stream.</summary>
internal sealed class StorageProviderRegistration(IGrainFactory grains, LocalStorageProviders local) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var directory = grains.GetGrain<IStorageProviderDirectoryGrain>(IStorageProviderDirectoryGrain.DefaultKey);
        foreach (var id in local.Ids)
        {
            await directory.RegisterAsync(id, Convert.ToHexStringLower(local.PublicKeyOf(id))).WaitAsync(cancellationToken);
            await grains.GetGrain<IStorageProviderGrain>(id).GetInfoAsync().WaitAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
