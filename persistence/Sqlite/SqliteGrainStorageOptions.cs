using Orleans.Storage;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Options of one named <see cref="SqliteGrainStorage"/>.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>
    /// The SQLite connection string, e.g. <c>Data Source=data/grains.db</c>. The folder is created when missing;
    /// in-memory and read-only databases are refused. No default: must be set. Several storages and the reminder
    /// table may share one file.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Scopes rows so several services can share one file (column <c>serviceid</c>). Default null: Orleans'
    /// <c>ClusterOptions.ServiceId</c>, as Orleans' AdoNet provider does. When set: 1 to 150 characters.
    /// </summary>
    public string? ServiceId { get; set; }

    /// <summary>
    /// When false (the default, as in Orleans' AdoNet provider) clearing keeps the row with a NULL payload and a new
    /// version, so a writer holding an ETag from before the clear is still rejected. When true clearing deletes the
    /// row and the ETag becomes null; the next write starts again at version 1.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// How long a writer waits for the file's write lock before failing (<c>PRAGMA busy_timeout</c>). Default 30
    /// seconds; 0 to 24 hours.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The silo lifecycle stage at which the schema is applied. Default
    /// <see cref="ServiceLifecycleStage.ApplicationServices"/>, as for Orleans' AdoNet provider.
    /// </summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>
    /// The serializer for payloads. Default: the <see cref="IGrainStorageSerializer"/> registered under the storage's
    /// name, else the one Orleans registers for the silo (filled in when the options are built).
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
