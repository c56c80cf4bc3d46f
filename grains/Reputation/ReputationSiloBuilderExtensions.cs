using Marketplace.Grains.Reputation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds workers' reputation to a silo: <c>silo.AddMarketplaceReputation()</c>.</summary>
public static class ReputationSiloBuilderExtensions
{
    /// <summary>Adds the reputation grain of this assembly (<see cref="GrainInterfaces.IReputationGrain"/>, key =
    /// worker id) with its settings (<c>Marketplace:Reputation</c>, checked at start) and its clock (the silo's
    /// <see cref="TimeProvider"/>). Needs the default grain storage on the silo. Workers call it too: their hosts
    /// read the minimum reputation and the clock when they bid.</summary>
    public static ISiloBuilder AddMarketplaceReputation(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceGrainStateFormat();
        if (silo.Services.Any(d => d.ServiceType == typeof(IValidateOptions<ReputationOptions>)))
        {
            return silo;
        }

        silo.Services.AddOptions<ReputationOptions>().BindConfiguration(ReputationOptions.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<ReputationOptions>, ReputationOptionsValidator>();
        silo.Services.TryAddSingleton(sp => new ReputationClock(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return silo;
    }
}
