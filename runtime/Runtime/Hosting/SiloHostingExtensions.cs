using Marketplace.Runtime.GrainDirectory;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Placement;
using Marketplace.Runtime.Serialization;
using Marketplace.Runtime.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Runtime.Hosting;

/// <summary>Hosting a silo in the .NET generic host.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Configuration section holding the silo's options (<c>Silo</c>, <c>Messaging</c>, <c>GrainCollection</c>, <c>Reminders</c>).</summary>
    public const string ConfigurationSection = "Marketplace";

    /// <summary>
    /// Adds a silo to the host: <c>Host.CreateApplicationBuilder(args).UseMarketplaceSilo(silo => ...)</c>.
    /// Options bind from configuration (appsettings.json, environment <c>Marketplace__Silo__ServiceId</c>, command line
    /// <c>--Marketplace:Silo:ServiceId</c>); code in <paramref name="configure"/> runs after and wins.
    /// </summary>
    public static IHostApplicationBuilder UseMarketplaceSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMarketplaceSilo(builder.Configuration, configure);
        return builder;
    }

    /// <summary>Adds a silo's services to <paramref name="services"/>.</summary>
    public static IServiceCollection AddMarketplaceSilo(this IServiceCollection services, IConfiguration configuration, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConfigurationSection);
        services.AddOptions<SiloOptions>().Bind(section.GetSection("Silo"));
        services.AddOptions<MessagingOptions>().Bind(section.GetSection("Messaging"));
        services.AddOptions<GrainCollectionOptions>().Bind(section.GetSection("GrainCollection"));
        services.AddOptions<ReminderOptions>().Bind(section.GetSection("Reminders"));

        services.TryAddSingleton<IGrainDirectory, LocalGrainDirectory>();
        services.TryAddSingleton<IPlacementDirector, PreferLocalPlacementDirector>();
        services.TryAddSingleton<IMessageTransport, LocalOnlyMessageTransport>();
        services.TryAddSingleton<SiloRuntimeClient>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloRuntimeClient>());
        services.TryAddSingleton<IGrainStorageSerializer, BinaryGrainStorageSerializer>();
        services.TryAddSingleton<Timers.ReminderService>();
        services.TryAddSingleton<Reminders.IReminderRegistry>(sp => sp.GetRequiredService<Timers.ReminderService>());
        services.AddHostedService<SiloHostedService>();

        configure?.Invoke(new SiloBuilder(services, configuration));
        return services;
    }
}
