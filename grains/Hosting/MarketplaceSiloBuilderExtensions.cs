using Marketplace.GrainInterfaces;
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
        silo.AddBlobs();
        silo.AddPrograms();
        silo.AddJobs();
        return silo;
    }
}
