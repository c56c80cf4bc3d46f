using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Marketplace.Grains.Hosting;

/// <summary>Adds settlement on an EVM chain to a silo: <c>silo.AddMarketplaceChainSettlement()</c>.</summary>
public static class ChainSettlementSiloBuilderExtensions
{
    /// <summary>
    /// Adds the chain settlement grain (<see cref="ISettlement"/>, key <see cref="ISettlement.DefaultKey"/>) with its
    /// settings (<c>Marketplace:Settlement:Chain</c>, checked at start). The switch is
    /// <c>Marketplace:Settlement:Chain:Enabled</c>: on, this grain is the only implementation of
    /// <see cref="ISettlement"/> the silo offers (every other, the embedded ledger's included, is withdrawn), so the job
    /// flow, the HTTP API and evidence slashing reach the chain; off (the default), this grain is withdrawn and the
    /// ledger settles. Every silo of a cluster must be configured alike. Needs the default grain storage. With the
    /// switch on, the silo checks while it starts that the chain has code at the settings' three contract addresses
    /// and refuses to start (<see cref="ChainDeploymentMissingException"/>) when it has not.
    /// </summary>
    public static ISiloBuilder AddMarketplaceChainSettlement(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMarketplaceGrainStateFormat();
        if (silo.Services.Any(d => d.ServiceType == typeof(IValidateOptions<ChainSettlementOptions>)))
        {
            return silo;
        }

        silo.Services.AddOptions<ChainSettlementOptions>().BindConfiguration(ChainSettlementOptions.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<ChainSettlementOptions>, ChainSettlementOptionsValidator>();
        silo.Services.TryAddSingleton<SettlementChain>();
        // With settlement on a chain, the silo refuses to start when the chain lacks the contracts its settings name.
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ChainDeploymentCheck>();
        silo.Services.AddOptions<GrainTypeOptions>().PostConfigure<IConfiguration>((grainTypes, configuration) =>
        {
            var enabled = configuration.GetValue<bool>($"{ChainSettlementOptions.Section}:{nameof(ChainSettlementOptions.Enabled)}");
            grainTypes.Classes.RemoveWhere(type => enabled
                ? type != typeof(SettlementGrain) && typeof(ISettlement).IsAssignableFrom(type)
                : type == typeof(SettlementGrain));
        });
        return silo;
    }
}
