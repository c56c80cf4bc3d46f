using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Registers the SQLite grain storage and reminder table on a silo, as Orleans' own providers do.</summary>
public static class SqliteSiloBuilderExtensions
{
    /// <summary>
    /// Adds a SQLite grain storage named <paramref name="name"/>. Grains use it with
    /// <c>[PersistentState("state", "name")]</c>; the schema is applied when the silo starts.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The storage name (<c>"PubSubStore"</c> for stream subscriptions).</param>
    /// <param name="configure">Sets the options; at least <see cref="SqliteGrainStorageOptions.ConnectionString"/>.</param>
    /// <returns>The silo builder.</returns>
    /// <remarks>Options are validated when the host starts; an invalid value stops the start with
    /// <see cref="OptionsValidationException"/> naming the field.</remarks>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.ConfigureServices(services =>
        {
            services.AddOptions<SqliteGrainStorageOptions>(name).Configure(configure).ValidateOnStart();
            services.AddTransient<IPostConfigureOptions<SqliteGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<SqliteGrainStorageOptions>>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteGrainStorageOptions>, SqliteGrainStorageOptionsValidator>());
            services.AddGrainStorage(name, CreateGrainStorage);
        });
    }

    /// <summary>
    /// Adds the SQLite grain storage as the default storage (<c>"Default"</c>), used by grains whose persistent state
    /// names no storage.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the options; at least <see cref="SqliteGrainStorageOptions.ConnectionString"/>.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions> configure) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>
    /// Adds Orleans' reminder service with the SQLite reminder table (replacing any other <see cref="IReminderTable"/>
    /// registered before). The schema is applied when the reminder service starts.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the options; at least <see cref="SqliteReminderTableOptions.ConnectionString"/>.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Action<SqliteReminderTableOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddReminders();
        return builder.ConfigureServices(services =>
        {
            services.AddOptions<SqliteReminderTableOptions>().Configure(configure).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteReminderTableOptions>, SqliteReminderTableOptionsValidator>());
            services.AddSingleton<SqliteReminderTable>(sp => new SqliteReminderTable(
                sp.GetRequiredService<IOptions<SqliteReminderTableOptions>>().Value,
                sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                sp.GetRequiredService<ILogger<SqliteReminderTable>>()));
            services.AddSingleton<IReminderTable>(sp => sp.GetRequiredService<SqliteReminderTable>());
        });
    }

    private static SqliteGrainStorage CreateGrainStorage(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(name),
        services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
        services.GetRequiredService<IActivatorProvider>(),
        services.GetRequiredService<ILogger<SqliteGrainStorage>>());

    /// <summary>Grain state (the default storage and the stream subscriptions' <c>PubSubStore</c>) and reminders in one
    /// SQLite file: the embedded default.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An SQLite connection string, e.g. <c>Data Source=data/marketplace.db</c>.</param>
    public static ISiloBuilder UseSqliteStorage(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        silo.AddSqliteGrainStorageAsDefault(o => o.ConnectionString = connectionString);
        silo.AddSqliteGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o => o.ConnectionString = connectionString);
        silo.UseSqliteReminderService(o => o.ConnectionString = connectionString);
        return silo;
    }
}
