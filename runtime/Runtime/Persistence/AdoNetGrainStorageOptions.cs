using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Persistence;

/// <summary>Options of <see cref="AdoNetGrainStorage"/>, one set per named storage.</summary>
public sealed class AdoNetGrainStorageOptions
{
    /// <summary>
    /// The database vendor: <see cref="AdoNetInvariants.Sqlite"/> ("Microsoft.Data.Sqlite", the default) or
    /// <see cref="AdoNetInvariants.PostgreSql"/> ("Npgsql").
    /// </summary>
    public string Invariant { get; set; } = AdoNetInvariants.Sqlite;

    /// <summary>
    /// The connection string. SQLite: <c>Data Source=path/to/file.db</c> (the folder is created; in-memory databases are
    /// rejected, use the memory provider). PostgreSQL: an Npgsql connection string. No default: must be set.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Scopes rows so several services can share one table (column <c>serviceid</c>, at most 150 characters).
    /// Default "default".
    /// </summary>
    public string ServiceId { get; set; } = "default";

    /// <summary>
    /// Applies the vendor's schema script (idempotent: create-if-absent) before first use and at host start.
    /// Default true for both vendors; set false when operators apply the scripts themselves with restricted rights.
    /// </summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>
    /// When true, clearing a state deletes its row (the ETag becomes null); when false (the default, as in Orleans)
    /// the row stays with a NULL payload and its version is incremented, so stale writers are still rejected.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// SQLite only: how long a writer waits for the file's write lock before failing (<c>PRAGMA busy_timeout</c>).
    /// Default 30 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The serializer for payloads; when null (the default) the <see cref="IGrainStorageSerializer"/> registered in
    /// the service provider is used.
    /// </summary>
    public IGrainStorageSerializer? Serializer { get; set; }
}
