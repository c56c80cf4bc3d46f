using System.Net;
using Microsoft.Extensions.Options;
using Marketplace.Persistence.Sqlite;
using Orleans.Configuration;

namespace Marketplace.Silo.Hosting;

/// <summary>Configures how the silo joins its cluster: <c>silo.UseMarketplaceCluster(dataFolder)</c>.</summary>
public static class ClusterSiloBuilderExtensions
{
    /// <summary>
    /// Reads <see cref="SiloClusterOptions"/> from <c>Marketplace:Cluster</c> (throwing
    /// <see cref="OptionsValidationException"/> that names every bad field), then configures clustering, the cluster
    /// and service ids, endpoints, grain storage (the default provider and <c>PubSubStore</c>), reminders, and Orleans'
    /// own options bound from <c>Marketplace:Messaging</c> (<see cref="SiloMessagingOptions"/>),
    /// <c>Marketplace:GrainCollection</c> (<see cref="GrainCollectionOptions"/>) and <c>Marketplace:Reminders</c>
    /// (<see cref="ReminderOptions"/>).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="dataFolder">The silo's data folder: the SQLite file of the localhost mode lives here.</param>
    public static ISiloBuilder UseMarketplaceCluster(this ISiloBuilder silo, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        var configuration = silo.Configuration;
        var options = new SiloClusterOptions();
        configuration.GetSection(SiloClusterOptions.Section).Bind(options);
        var result = new SiloClusterOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(SiloClusterOptions.Section, typeof(SiloClusterOptions), result.Failures);
        }

        silo.Services.AddSingleton(Options.Create(options));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        silo.Configure<SiloMessagingOptions>(configuration.GetSection("Marketplace:Messaging"));
        silo.Configure<GrainCollectionOptions>(configuration.GetSection("Marketplace:GrainCollection"));
        silo.Services.Configure<ReminderOptions>(configuration.GetSection("Marketplace:Reminders"));

        var address = IPAddress.Parse(options.Address);
        switch (options.Mode)
        {
            case ClusterMode.Localhost:
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                silo.UseSqliteStorage($"Data Source={Path.Combine(dataFolder, "marketplace.db")}");
                break;
            default:
                throw new NotSupportedException($"{SiloClusterOptions.Section}:Mode {options.Mode} is not supported yet.");
        }

        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = address;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(address, options.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(address, options.GatewayPort);
        });
        return silo;
    }
}
