namespace Marketplace.Silo.Hosting;

/// <summary>How a silo finds the other silos of its cluster and where it keeps grain state and reminders.</summary>
public enum ClusterMode
{
    /// <summary>One silo on this machine: Orleans localhost clustering, SQLite grain storage and reminders in the
    /// data folder, memory streams. Needs no outside service (the embedded default).</summary>
    Localhost,

    /// <summary>Several silos: Orleans AdoNet clustering, grain storage and reminders on PostgreSQL
    /// (<see cref="SiloClusterOptions.PostgreSqlConnectionString"/>), memory streams.</summary>
    PostgreSql,
}
