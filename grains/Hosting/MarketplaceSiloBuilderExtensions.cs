using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.Hosting;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace to a silo: <c>silo.AddMarketplace()</c>.</summary>
public static class MarketplaceSiloBuilderExtensions
{
    /// <summary>
    /// Adds the blob store, programs, workers and jobs with their options bound from the <c>Marketplace</c>
    /// configuration section. Needs a stream provider named <see cref="MarketplaceStreams.Provider"/> and the default
    /// grain storage on the silo.
    /// </summary>
    public static ISiloBuilder AddMarketplace(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        // Grain state in Orleans' own version-tolerant binary format (the [Id]s of the state types), whatever the
        // storage provider.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        silo.AddBlobs();
        silo.AddPrograms();
        silo.AddJobs();
        return silo;
    }
}
