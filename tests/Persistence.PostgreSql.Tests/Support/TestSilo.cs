using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Marketplace.Persistence.PostgreSql.Tests.Support;

/// <summary>What identifies one test cluster: its database and Orleans' ClusterId/ServiceId.</summary>
public sealed record ClusterIdentity(string ConnectionString, string ClusterId, string ServiceId)
{
    /// <summary>A new cluster in <paramref name="database"/> with unique ids.</summary>
    public static ClusterIdentity New(PostgresDatabase database) =>
        new(database.ConnectionString, "cluster-" + Guid.NewGuid().ToString("N")[..8], "service-" + Guid.NewGuid().ToString("N")[..8]);
}

/// <summary>Builds the silos and clients the tests run: a plain generic host with <c>UseOrleans</c>.</summary>
public static class TestSilo
{
    /// <summary>Name of the extra grain storage provider configured with <c>DeleteStateOnClear = true</c>.</summary>
    public const string DeleteOnClearStorage = "DeleteOnClear";

    /// <summary>
    /// Membership tuned so a killed silo is declared dead within seconds, yet a loaded 2-core machine does not
    /// evict live silos: a probe waits 2 s and three must be missed in a row, and two silos must vote.
    /// </summary>
    public static void ConfigureMembership(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>The PostgreSQL cluster plus test-speed membership, reminders and loopback endpoints.</summary>
    public static void Configure(
        ISiloBuilder silo, ClusterIdentity cluster, int siloPort, int gatewayPort, Action<PostgreSqlClusterOptions>? configure = null,
        Action<ClusterMembershipOptions>? membership = null)
    {
        silo.UsePostgreSqlCluster(options =>
        {
            options.ConnectionString = cluster.ConnectionString;
            configure?.Invoke(options);
        });
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);

        // A provider that deletes the row on clear, so the tests also reach DeleteStorageKey.
        silo.AddAdoNetGrainStorage(DeleteOnClearStorage, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = cluster.ConnectionString;
            options.DeleteStateOnClear = true;
        });
        silo.Configure<ClusterMembershipOptions>(membership ?? ConfigureMembership);
        silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
    }

    /// <summary>Builds (does not start) a silo host on fresh ports.</summary>
    public static (IHost Host, int SiloPort) Build(
        ClusterIdentity cluster, Action<PostgreSqlClusterOptions>? configure = null, Action<ClusterMembershipOptions>? membership = null)
    {
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging);
        builder.UseOrleans(silo => Configure(silo, cluster, siloPort, gatewayPort, configure, membership));
        return (builder.Build(), siloPort);
    }

    /// <summary>Builds and starts a client that finds the gateways in the membership table.</summary>
    public static async Task<IHost> StartClientAsync(ClusterIdentity cluster)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging);
        builder.UseOrleansClient(client =>
        {
            client.UsePostgreSqlClustering(cluster.ConnectionString);
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Warnings and errors to stderr; <c>MARKETPLACE_TEST_LOG=Debug</c> (or another level) shows more.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging)
    {
        var level = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("MARKETPLACE_TEST_LOG"), out var parsed)
            ? parsed
            : LogLevel.Warning;
        logging.SetMinimumLevel(level);
        logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
