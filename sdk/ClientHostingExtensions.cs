using Marketplace.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Sdk;

/// <summary>Hosting a grain client in the .NET generic host.</summary>
public static class ClientHostingExtensions
{
    /// <summary>Configuration section holding <see cref="ClientOptions"/>.</summary>
    public const string ConfigurationSection = "Marketplace:Client";

    /// <summary>
    /// Adds a grain client that connects when the host starts and closes when it stops:
    /// <c>Host.CreateApplicationBuilder(args).UseMarketplaceClient(o => o.GatewayEndpoints.Add("127.0.0.1:30000"))</c>,
    /// then resolve <see cref="IClusterClient"/>. Options bind from <c>Marketplace:Client</c>; <paramref name="configure"/> wins.
    /// </summary>
    public static IHostApplicationBuilder UseMarketplaceClient(this IHostApplicationBuilder builder, Action<ClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ClientOptions>().Bind(builder.Configuration.GetSection(ConfigurationSection));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton(sp => new ClusterClient(sp.GetRequiredService<IOptions<ClientOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.TryAddSingleton<IClusterClient>(sp => sp.GetRequiredService<ClusterClient>());
        builder.Services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ClusterClient>());
        builder.Services.AddHostedService<ClusterClientHostedService>();
        return builder;
    }
}
