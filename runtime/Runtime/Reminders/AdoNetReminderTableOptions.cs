using Marketplace.Runtime.Persistence;

namespace Marketplace.Runtime.Reminders;

/// <summary>Options of <see cref="AdoNetReminderTable"/>.</summary>
public sealed class AdoNetReminderTableOptions
{
    /// <summary>
    /// The database vendor: <see cref="AdoNetInvariants.Sqlite"/> ("Microsoft.Data.Sqlite", the default) or
    /// <see cref="AdoNetInvariants.PostgreSql"/> ("Npgsql").
    /// </summary>
    public string Invariant { get; set; } = AdoNetInvariants.Sqlite;

    /// <summary>The connection string (as for <see cref="AdoNetGrainStorageOptions.ConnectionString"/>). Must be set.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Scopes rows so several services can share one table (at most 150 characters). Default "default".</summary>
    public string ServiceId { get; set; } = "default";

    /// <summary>Applies the vendor's reminders script in <see cref="IReminderTable.InitAsync"/> and on first use. Default true.</summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>SQLite only: how long a writer waits for the file's write lock (<c>PRAGMA busy_timeout</c>). Default 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
