using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace Marketplace.Silo.Gateway;

/// <summary>Puts the credential check on the silo's grain gateway: <c>silo.AddMarketplaceGateway()</c>.</summary>
public static class GatewaySiloBuilderExtensions
{
    /// <summary>
    /// Every connection to the gateway must prove the secret of an operator service
    /// (<c>Marketplace:Gateway:Services</c>) before Orleans reads a byte of it, and every grain call from a gateway
    /// client must carry that service's call token and stay within what the service may do; refusals reach the
    /// client as <see cref="GatewayRefusedException"/>. Silo-to-silo connections are not affected.
    /// </summary>
    public static ISiloBuilder AddMarketplaceGateway(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var configuration = silo.Configuration;
        // The host may register a registry with the development service first (silo/MarketplaceSiloHost.cs).
        silo.Services.TryAddSingleton(_ => GatewayServiceRegistry.Load(configuration, null, Console.Error));
        silo.Services.TryAddSingleton(_ => SiloCallStamp.ForOneSilo());
        silo.AddIncomingGrainCallFilter<GatewayCallFilter>();
        silo.AddOutgoingGrainCallFilter<SiloCallStampFilter>();
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<IServiceProvider>((options, services) =>
        {
            var handshake = new GatewayHandshake(
                services.GetRequiredService<GatewayServiceRegistry>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Marketplace.Silo.Gateway"),
                GatewayHandshake.DefaultDeadline);
            options.ConfigureGatewayInboundConnection(builder => builder.Use(next => connection => handshake.RunAsync(connection, next)));
        });
        return silo;
    }
}
