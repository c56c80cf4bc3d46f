// Design: the embedded (Localhost) silo keeps grain state and reminders in one SQLite file under its data folder.
// Operators back it up while it runs: each backup is a new file under <data folder>/backups named by its UTC time
// (so backups sort by name and never overwrite each other), written by SQLite's online backup, and one at a time
// (a second request waits for the first: two copies at once would only double the disk traffic).
using System.Globalization;
using Marketplace.Persistence.Sqlite;

namespace Marketplace.Silo.Hosting;

/// <summary>Online backups of the embedded silo's SQLite database (registered in <c>Localhost</c> mode only).</summary>
internal sealed class DatabaseBackups(string connectionString, string backupFolder, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>The folder the backups are written to: <c>&lt;data folder&gt;/backups</c>.</summary>
    public string Folder { get; } = backupFolder;

    /// <summary>Writes a consistent copy of the live database; returns where, how large and as of when.</summary>
    public async Task<(string Path, long Bytes, DateTimeOffset CreatedAt)> CreateAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = clock.GetUtcNow();
            var name = "marketplace-" + now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + ".db";
            var path = Path.Combine(Folder, name);
            var bytes = await SqliteOnlineBackup.BackupAsync(connectionString, path, cancellationToken).ConfigureAwait(false);
            return (path, bytes, now);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _one.Dispose();
}
