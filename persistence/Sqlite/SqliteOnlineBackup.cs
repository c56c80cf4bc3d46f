// Design: an operator copies the live database without stopping the silo. SQLite's online backup API
// (sqlite3_backup, reached through SqliteConnection.BackupDatabase) copies every page of the source into a new file
// as of one read transaction: in WAL mode that transaction sees one committed snapshot and does not block the
// writers, so grains keep writing while the copy runs and the copy holds exactly the commits before it began. The
// copy goes to a temporary name next to the target and is renamed into place once complete and closed, so a file
// with the target's name is always a whole database, never a half-written one.
using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Consistent copies of a live SQLite database file (the silo's grain storage and reminders).</summary>
public static class SqliteOnlineBackup
{
    /// <summary>
    /// Copies the database named by <paramref name="connectionString"/> to <paramref name="destinationPath"/> while
    /// other connections keep writing to it; returns the size of the copy in bytes.
    /// </summary>
    /// <param name="connectionString">The live database (as given to the storage providers).</param>
    /// <param name="destinationPath">The file to create; it must not exist yet. Its folder is created if missing.</param>
    /// <param name="cancellationToken">Cancels before the copy starts (the copy itself runs to its end).</param>
    /// <exception cref="IOException">The destination exists already, or the copy could not be written.</exception>
    /// <exception cref="SqliteException">SQLite refused the copy (e.g. the source is not a database).</exception>
    public static async Task<long> BackupAsync(string connectionString, string destinationPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        var destination = Path.GetFullPath(destinationPath);
        if (File.Exists(destination))
        {
            throw new IOException($"the backup file {destination} exists already");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + ".partial";
        File.Delete(partial);
        var source = SqliteConnectionStrings.Parse(connectionString);
        source.Pooling = false;
        var target = new SqliteConnectionStringBuilder { DataSource = partial, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        cancellationToken.ThrowIfCancellationRequested();
        await Task.Run(
            () =>
            {
                using var from = new SqliteConnection(source.ToString());
                using var to = new SqliteConnection(target.ToString());
                from.Open();
                to.Open();
                from.BackupDatabase(to);
                // The copy keeps the source's WAL journal mode in its header; switch it to a rollback journal so the
                // single file is the whole database (the silo turns WAL on again when it opens the file).
                using var journal = to.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode = DELETE;";
                journal.ExecuteNonQuery();
            },
            CancellationToken.None).ConfigureAwait(false);
        File.Move(partial, destination);
        return new FileInfo(destination).Length;
    }
}
