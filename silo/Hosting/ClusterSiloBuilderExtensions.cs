using System.Globalization;
using System.Net;
using Marketplace.Persistence.PostgreSql;
using Marketplace.Persistence.Sqlite;
using Microsoft.Extensions.Options;
using Marketplace.Silo.Gateway;
using Orleans.Configuration;

namespace Marketplace.Silo.Hosting;

/// <summary>Configures how the silo joins its cluster: <c>silo.UseMarketplaceCluster(dataFolder)</c>.</summary>
public static class ClusterSiloBuilderExtensions
{
    /// <summary>Configuration key of the default workers' id prefix (see <c>JobsOptions.DefaultWorkerPrefix</c>).</summary>
    public const string DefaultWorkerPrefixKey = "Marketplace:Jobs:DefaultWorkerPrefix";

    /// <summary>Configuration key of the default storage providers' id prefix (see
    /// <c>StorageOptions.DefaultProviderPrefix</c>).</summary>
    public const string DefaultProviderPrefixKey = "Marketplace:Storage:DefaultProviderPrefix";

    /// <summary>The SQLite file of the <c>Localhost</c> mode (grain state and reminders), under the data folder.</summary>
    public const string DatabaseFileName = "marketplace.db";


    /// <summary>
    /// Reads <see cref="SiloClusterOptions"/> from <c>Marketplace:Cluster</c> (throwing
    /// <see cref="OptionsValidationException"/> that names every bad field), then configures clustering, the cluster
    /// and service ids, endpoints, grain storage (the default provider and <c>PubSubStore</c>), reminders, and Orleans'
    /// own options bound from <c>Marketplace:Messaging</c> (<see cref="SiloMessagingOptions"/>),
    /// <c>Marketplace:GrainCollection</c> (<see cref="GrainCollectionOptions"/>), <c>Marketplace:Reminders</c>
    /// (<see cref="ReminderOptions"/>) and <c>Marketplace:Membership</c> (<see cref="ClusterMembershipOptions"/>:
    /// failure detection).
    /// </summary>
    /// <remarks>
    /// In <see cref="ClusterMode.PostgreSql"/> mode membership, grain state and reminders live in PostgreSQL
    /// (<see cref="PostgreSqlClusterHostingExtensions.UsePostgreSqlCluster"/>, schema applied at start). Two settings
    /// that are per-machine defaults in the localhost mode must then be cluster-wide: the default workers' ids get the
    /// prefix <c>s{SiloPort}-w</c> unless <c>Marketplace:Jobs:DefaultWorkerPrefix</c> is set (worker ids are unique in
    /// a cluster), the default storage providers' <c>s{SiloPort}-p</c> unless <c>Marketplace:Storage:DefaultProviderPrefix</c>
    /// is set, and blob chunks are rows of the cluster's database (a blob's grain may activate on any silo and reads
    /// its chunks from there), not files.
    /// </remarks>
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
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Marketplace:Membership"));
        WatchParentProcess(silo, configuration);

        var address = IPAddress.Parse(options.Address);
        switch (options.Mode)
        {
            case ClusterMode.Localhost:
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                var database = $"Data Source={Path.Combine(dataFolder, DatabaseFileName)}";
                silo.UseSqliteStorage(database);
                // POST /v1/admin/backup copies this file while the silo runs (silo/README.md, "Backup and restore").
                silo.Services.AddSingleton(services => new DataFolderBackups(
                    database,
                    new DataFolderLayout(configuration),
                    services.GetService<TimeProvider>() ?? TimeProvider.System,
                    services.GetService<Grains.Blobs.ChunkCollector>()?.SweepGate));
                break;
            case ClusterMode.PostgreSql:
                if (string.IsNullOrWhiteSpace(configuration[DefaultWorkerPrefixKey]))
                {
                    // Read by the jobs part when it registers this silo's workers (AddMarketplace runs after this).
                    configuration[DefaultWorkerPrefixKey] = string.Create(CultureInfo.InvariantCulture, $"s{options.SiloPort}-w");
                }

                if (string.IsNullOrWhiteSpace(configuration[DefaultProviderPrefixKey]))
                {
                    configuration[DefaultProviderPrefixKey] = string.Create(CultureInfo.InvariantCulture, $"s{options.SiloPort}-p");
                }

                var connectionString = options.PostgreSqlConnectionString!;
                silo.UsePostgreSqlCluster(o => o.ConnectionString = connectionString);
                // Blob chunks are rows of the cluster's database, read by every silo: no shared folder.
                silo.Services.AddSingleton<Grains.Blobs.IChunkStore>(services => new PostgreSqlChunkStore(
                    new PostgreSqlChunks(connectionString), services.GetRequiredService<Grains.Blobs.BlobLog>(), services.GetService<TimeProvider>()));
                // Signed requests' nonces are recorded for the whole cluster (silo/README.md, "Nonces in a cluster").
                silo.Services.AddSingleton<Api.IClusterNonceStore>(_ => new Api.PostgreSqlClusterNonceStore(connectionString));
                // The stamp on the silos' own clients' calls is one value for the cluster (silo/Gateway/SiloCallStamp.cs).
                silo.Services.AddSingleton(_ => Gateway.SiloCallStamp.ForCluster(connectionString));
                // A client's rate limit is one budget for all silos (silo/README.md, "Rate limits").
                silo.Services.AddSingleton<Api.ClusterRateBudget>();
                break;
            default:
                throw new NotSupportedException($"{SiloClusterOptions.Section}:Mode {options.Mode} is not supported.");
        }

        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = address;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(address, options.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(address, options.GatewayPort);
        });
        // The gateway admits only clients that prove an operator service's secret (Marketplace:Gateway:Services).
        silo.AddMarketplaceGateway();
        return silo;
    }

    // Marketplace:ParentProcessId: the silo stops when that process is gone (a supervisor or test harness that
    // started it may die without stopping it).
    private static void WatchParentProcess(ISiloBuilder silo, IConfiguration configuration)
    {
        if (configuration[ParentProcessWatch.Key] is not { Length: > 0 } value)
        {
            return;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parent) || parent <= 0)
        {
            throw new OptionsValidationException(ParentProcessWatch.Key, typeof(SiloClusterOptions),
                [$"{ParentProcessWatch.Key} '{value}' is not a process id"]);
        }

        silo.Services.AddHostedService(services => new ParentProcessWatch(
            parent, services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<ILogger<ParentProcessWatch>>()));
    }
}
