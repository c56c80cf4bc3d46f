using Marketplace.Grains.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds the marketplace's embedded ledger to a silo: <c>silo.AddMarketplaceLedger()</c>.</summary>
public static class LedgerSiloBuilderExtensions
{
    /// <summary>Adds the ledger grain of this assembly (<see cref="GrainInterfaces.ISettlement"/>, key
    /// <see cref="GrainInterfaces.ISettlement.DefaultKey"/>) with its settings (<c>Marketplace:Ledger</c>, checked at
    /// start) and its clock (the silo's <see cref="TimeProvider"/>). Needs the default grain storage on the silo.</summary>
    public static ISiloBuilder AddMarketplaceLedger(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceGrainStateFormat();
        if (silo.Services.Any(d => d.ServiceType == typeof(IValidateOptions<LedgerOptions>)))
        {
            return silo;
        }

        silo.Services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidator>();
        silo.Services.TryAddSingleton(sp => new LedgerClock(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return silo;
    }
}
