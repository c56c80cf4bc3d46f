using Marketplace.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the storage market to a silo: <c>silo.AddMarketplaceStorage()</c>.</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>Adds the storage provider, directory and deal grains, the providers this silo hosts
    /// (<c>Marketplace:Storage:Providers</c>, else <c>DefaultProviders</c> of them, published in the silo's metadata so each provider grain lives here) and
    /// their registration at start. Needs the default grain storage and reminders.</summary>
    public static ISiloBuilder AddMarketplaceStorage(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddOptions<StorageOptions>().Bind(silo.Configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        var configured = new StorageOptions();
        silo.Configuration.GetSection(StorageOptions.Section).Bind(configured);
        var hosted = configured.Hosted();
        var ids = new List<string>(hosted.Count);
        foreach (var provider in hosted)
        {
            ids.Add(provider.Id);
        }

        silo.UseSiloMetadata(new Dictionary<string, string> { [StorageProviderPlacement.MetadataKey] = string.Join(',', ids) });
        silo.Services.AddPlacementDirector<StorageProviderPlacement, StorageProviderPlacementDirector>();
        silo.Services.AddSingleton<LocalStorageProviders>();
        silo.Services.TryAddSingleton<StorageBufferMeter>();
        silo.Services.TryAddSingleton<DealTransfers>();
        silo.Services.AddHostedService<StorageProviderRegistration>();
        silo.Services.TryAddKeyedSingleton<TimeProvider>(StorageOptions.ClockKey, static (services, _) => services.GetService<TimeProvider>() ?? TimeProvider.System);
        return silo;
    }
}
