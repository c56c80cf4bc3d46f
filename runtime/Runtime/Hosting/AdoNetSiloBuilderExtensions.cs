using Marketplace.Runtime.Persistence;

namespace Marketplace.Runtime.Hosting;

/// <summary>One-line wiring of a silo's durable state onto one SQL database.</summary>
public static class AdoNetSiloBuilderExtensions
{
    /// <summary>
    /// Stores the <see cref="GrainStorageServiceCollectionExtensions.DefaultStorageName"/> grain storage and the
    /// reminder table in one SQL database: a SQLite file by default (<c>Data Source=path</c>), PostgreSQL with
    /// <paramref name="invariant"/> = <see cref="AdoNetInvariants.PostgreSql"/>. Both use <paramref name="serviceId"/>,
    /// so silos of one service share rows and other services on the same database do not see them.
    /// </summary>
    public static ISiloBuilder UseAdoNetStorage(
        this ISiloBuilder silo, string connectionString, string serviceId, string invariant = AdoNetInvariants.Sqlite)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        silo.Services.AddAdoNetGrainStorage(GrainStorageServiceCollectionExtensions.DefaultStorageName, o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.ServiceId = serviceId;
        });
        silo.Services.AddAdoNetReminderTable(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.ServiceId = serviceId;
        });
        return silo;
    }
}
