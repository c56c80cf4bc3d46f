namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// The event ids this library logs with: one table, range 7100-7199, so no two messages share an id.
/// </summary>
internal static class SqliteEventIds
{
    /// <summary>A grain storage applied its schema and is ready (Information).</summary>
    public const int GrainStorageInitialized = 7100;

    /// <summary>A grain storage operation lost an ETag check (Warning).</summary>
    public const int GrainStorageETagConflict = 7101;

    /// <summary>A grain storage operation failed and throws <see cref="SqliteStorageException"/> (Error).</summary>
    public const int GrainStorageOperationFailed = 7102;

    /// <summary>A grain storage closed its idle connections on silo stop (Debug).</summary>
    public const int GrainStorageClosed = 7103;

    /// <summary>The reminder table applied its schema and is ready (Information).</summary>
    public const int ReminderTableInitialized = 7120;

    /// <summary>A reminder table operation failed and throws <see cref="SqliteStorageException"/> (Error).</summary>
    public const int ReminderTableOperationFailed = 7121;

    /// <summary>The reminder table closed its idle connections on stop (Debug).</summary>
    public const int ReminderTableClosed = 7122;
}
