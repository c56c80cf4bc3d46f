namespace Marketplace.Persistence.Sqlite;

/// <summary>Options of <see cref="SqliteReminderTable"/>.</summary>
public sealed class SqliteReminderTableOptions
{
    /// <summary>
    /// The SQLite connection string, e.g. <c>Data Source=data/grains.db</c> (may be the grain storage's file). The
    /// folder is created when missing; in-memory and read-only databases are refused. No default: must be set.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Scopes rows so several services can share one file (column <c>ServiceId</c>). Default null: Orleans'
    /// <c>ClusterOptions.ServiceId</c>, as Orleans' AdoNet reminder table does. When set: 1 to 150 characters.
    /// </summary>
    public string? ServiceId { get; set; }

    /// <summary>
    /// How long a writer waits for the file's write lock before failing (<c>PRAGMA busy_timeout</c>). Default 30
    /// seconds; 0 to 24 hours.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
