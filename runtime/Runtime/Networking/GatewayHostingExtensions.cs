using Marketplace.Runtime.Networking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Runtime.Hosting;

/// <summary>Enables the client gateway on a silo.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>
    /// Opens the client gateway: <c>UseMarketplaceSilo(silo => silo.UseGateway(o => o.Port = 30000))</c>. Options bind from
    /// configuration section <c>Marketplace:Gateway</c>; <paramref name="configure"/> runs after and wins.
    /// </summary>
    public static ISiloBuilder UseGateway(this ISiloBuilder builder, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(SiloHostingExtensions.ConfigurationSection).GetSection("Gateway"));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddSingleton<GatewayListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GatewayListener>());
        return builder;
    }
}
