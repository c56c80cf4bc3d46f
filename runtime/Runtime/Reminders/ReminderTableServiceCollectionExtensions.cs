using Marketplace.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Runtime.Hosting;

/// <summary>Registers the reminder table as the singleton <see cref="IReminderTable"/> service.</summary>
/// <remarks>The reminder service calls <see cref="IReminderTable.InitAsync"/> at start, which applies the schema.</remarks>
public static class ReminderTableServiceCollectionExtensions
{
    /// <summary>Adds the SQL reminder table (SQLite or PostgreSQL).</summary>
    public static IServiceCollection AddAdoNetReminderTable(
        this IServiceCollection services, Action<AdoNetReminderTableOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AdoNetReminderTableOptions>().Configure(configure);
        services.AddSingleton<IReminderTable>(provider =>
            new AdoNetReminderTable(provider.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value));
        return services;
    }

    /// <summary>Adds the in-memory reminder table (tests and single-silo development).</summary>
    public static IServiceCollection AddMemoryReminderTable(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IReminderTable, MemoryReminderTable>();
        return services;
    }
}
