using Marketplace.Grains.Programs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace's programs to a silo: <c>silo.AddMarketplacePrograms()</c>.</summary>
public static class ProgramsSiloBuilderExtensions
{
    /// <summary>Adds the program, catalog and program state grains of this assembly with the sandbox they compile and
    /// run modules in (<see cref="ExecutionSiloBuilderExtensions.AddMarketplaceExecution"/>, which holds the
    /// <c>Marketplace:Programs</c> settings). Needs the default grain storage on the silo.</summary>
    public static ISiloBuilder AddMarketplacePrograms(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceGrainStateFormat();
        silo.AddMarketplaceExecution();
        silo.Services.TryAddSingleton(sp => new ProgramStateClock(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return silo;
    }
}
