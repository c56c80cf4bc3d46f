using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Marketplace.Grains.Hosting;

/// <summary>The grain state format every feature with persistent grains registers.</summary>
internal static class GrainStateSiloBuilderExtensions
{
    /// <summary>
    /// Writes grain state in Orleans' own version-tolerant binary format (the <c>[Id]</c>s of the state types),
    /// whatever the storage provider. Every feature with persistent grains calls it; the format is registered once.
    /// </summary>
    internal static ISiloBuilder AddMarketplaceGrainStateFormat(this ISiloBuilder silo)
    {
        var registered = silo.Services.Any(d =>
            d.ServiceType == typeof(IGrainStorageSerializer) && d.ImplementationType == typeof(OrleansGrainStorageSerializer));
        if (!registered)
        {
            silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        }

        return silo;
    }
}
