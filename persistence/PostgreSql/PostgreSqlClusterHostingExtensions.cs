// Wires a silo (or a client) to one PostgreSQL database for membership, grain state, reminders and the grain
// directory.
//
// Orleans' AdoNet providers are configured through their own options (AdoNetClusteringSiloOptions,
// AdoNetGrainStorageOptions, AdoNetReminderTableOptions); here each of them is filled from the one
// PostgreSqlClusterOptions at resolution time, so the connection string may come from configuration binding as
// well as from the configure delegate, and is validated once, naming the field, when the host starts.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.GrainDirectory;
using Orleans.Runtime.Hosting;
using Orleans.Providers;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>Hosting extensions that put an Orleans cluster on PostgreSQL.</summary>
public static class PostgreSqlClusterHostingExtensions
{
    /// <summary>Orleans' ADO.NET invariant name of Npgsql.</summary>
    internal const string Invariant = "Npgsql";

    /// <summary>Name of the storage provider memory streams keep their subscriptions in.</summary>
    internal const string PubSubStoreName = "PubSubStore";

    /// <summary>
    /// Configures the silo to keep cluster membership, grain state (the default provider and
    /// <c>"PubSubStore"</c>), reminders and the grain directory in PostgreSQL, applying the schema at start unless
    /// told not to.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configure">Sets <see cref="PostgreSqlClusterOptions.ConnectionString"/> and the other options.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>
    /// Also configure <c>ClusterOptions</c> (ClusterId, ServiceId) and the silo's endpoints; silos sharing a machine
    /// need distinct silo and gateway ports. Clients of the cluster use
    /// <see cref="UsePostgreSqlClustering(IClientBuilder, string)"/>. Options are validated when the host starts;
    /// a missing connection string fails the start with a message naming
    /// <see cref="PostgreSqlClusterOptions.ConnectionString"/>.
    /// </remarks>
    public static ISiloBuilder UsePostgreSqlCluster(this ISiloBuilder silo, Action<PostgreSqlClusterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configure);

        silo.Services.AddOptions<PostgreSqlClusterOptions>().Configure(configure).ValidateOnStart();
        silo.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlClusterOptions>, PostgreSqlClusterOptionsValidator>());
        silo.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, PostgreSqlSchemaInitializer>());

        silo.UseAdoNetClustering(options => options.Configure<IOptions<PostgreSqlClusterOptions>>((clustering, cluster) =>
        {
            clustering.Invariant = Invariant;
            clustering.ConnectionString = PostgreSqlConnectionDefaults.Apply(cluster.Value.ConnectionString);
        }));
        silo.AddAdoNetGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, ConfigureStorage);
        silo.AddAdoNetGrainStorage(PubSubStoreName, ConfigureStorage);
        silo.UseAdoNetReminderService(options => options.Configure<IOptions<PostgreSqlClusterOptions>>((reminders, cluster) =>
        {
            reminders.Invariant = Invariant;
            reminders.ConnectionString = PostgreSqlConnectionDefaults.Apply(cluster.Value.ConnectionString);
        }));

        // The grain directory in the database, not partitioned over the silos: a silo that dies takes its own
        // activations with it, but no other grain's way to a new activation (GrainDirectory.sql).
        silo.AddGrainDirectory(GrainDirectoryAttribute.DEFAULT_GRAIN_DIRECTORY,
            (services, name) => ActivatorUtilities.CreateInstance<PostgreSqlGrainDirectory>(services, name));
        return silo;
    }

    /// <summary>Configures a client to find the cluster's gateways in the PostgreSQL membership table.</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="connectionString">Npgsql connection string of the cluster's database.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>
    /// The client reads only the membership table (Active silos with a gateway port); it needs the same
    /// <c>ClusterOptions</c> as the silos and read access to the database, never DDL rights.
    /// </remarks>
    public static IClientBuilder UsePostgreSqlClustering(this IClientBuilder client, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        return client.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }

    private static void ConfigureStorage(OptionsBuilder<AdoNetGrainStorageOptions> options) =>
        options.Configure<IOptions<PostgreSqlClusterOptions>>((storage, cluster) =>
        {
            storage.Invariant = Invariant;
            storage.ConnectionString = PostgreSqlConnectionDefaults.Apply(cluster.Value.ConnectionString);
        });
}
