// Design: a restore puts a backup back as the silo's database while no silo uses it. The backup is checked first (a
// SQLite file that passes `PRAGMA integrity_check` and holds the grain storage table), so a wrong or damaged file never
// replaces a good database. A database still open elsewhere is detected by asking it to leave WAL mode: SQLite
// refuses that while another connection has the file open, as a running silo's pooled connections do. The database
// it replaces is never deleted: it moves, with its -wal and -shm files, into a folder of replaced databases named by
// the time of the restore. The backup is copied to a temporary name and renamed into place, so the database file is
// always whole.
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Puts an online backup (<see cref="SqliteOnlineBackup"/>) back as a stopped silo's database.</summary>
public static class SqliteBackupRestore
{
    /// <summary>
    /// Checks <paramref name="backupPath"/> and copies it to <paramref name="databasePath"/>; an existing database there
    /// is first moved, with its -wal and -shm files, into <paramref name="replacedFolder"/>.
    /// </summary>
    /// <param name="backupPath">The backup file.</param>
    /// <param name="databasePath">The database to replace or create.</param>
    /// <param name="replacedFolder">Where a replaced database goes (created if missing).</param>
    /// <param name="now">The time of the restore: names the replaced database.</param>
    /// <returns>Where the replaced database went, or null when there was none.</returns>
    /// <exception cref="SqliteRestoreException">The backup is missing, not a SQLite database, damaged or not a
    /// marketplace database, or the database to replace is in use.</exception>
    public static string? Restore(string backupPath, string databasePath, string replacedFolder, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(replacedFolder);
        var backup = Path.GetFullPath(backupPath);
        var database = Path.GetFullPath(databasePath);
        if (!File.Exists(backup))
        {
            throw new SqliteRestoreException($"the backup {backup} does not exist");
        }

        if (string.Equals(backup, database, StringComparison.Ordinal))
        {
            throw new SqliteRestoreException($"the backup {backup} is the database itself");
        }

        CheckBackup(backup);
        string? replaced = null;
        if (File.Exists(database))
        {
            LeaveWal(database);
            Directory.CreateDirectory(replacedFolder);
            var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
            replaced = Path.Combine(Path.GetFullPath(replacedFolder), Path.GetFileNameWithoutExtension(database) + "-" + stamp + Path.GetExtension(database));
            File.Move(database, replaced);
            foreach (var suffix in (string[])["-wal", "-shm"])
            {
                if (File.Exists(database + suffix))
                {
                    File.Move(database + suffix, replaced + suffix);
                }
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var partial = database + ".partial";
        File.Copy(backup, partial, overwrite: true);
        File.Move(partial, database);
        return replaced;
    }

    private static void CheckBackup(string backup)
    {
        var read = new SqliteConnectionStringBuilder { DataSource = backup, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            using var connection = new SqliteConnection(read.ToString());
            connection.Open();
            using var integrity = connection.CreateCommand();
            integrity.CommandText = "PRAGMA integrity_check;";
            var verdict = integrity.ExecuteScalar() as string;
            if (!string.Equals(verdict, "ok", StringComparison.Ordinal))
            {
                throw new SqliteRestoreException($"the backup {backup} is damaged: {verdict}");
            }

            using var tables = connection.CreateCommand();
            tables.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'OrleansStorage';";
            if (Convert.ToInt64(tables.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                throw new SqliteRestoreException($"the backup {backup} is a SQLite database without the grain storage table OrleansStorage: not a silo's backup");
            }
        }
        catch (SqliteException e)
        {
            throw new SqliteRestoreException($"the backup {backup} is not a readable SQLite database: {e.Message}", e);
        }
    }

    /// <summary>Takes the database out of WAL mode, which SQLite allows only while no other connection has it open:
    /// a running silo's do. Its committed WAL pages are written back to the file on the way.</summary>
    private static void LeaveWal(string database)
    {
        var write = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 1 };
        try
        {
            using var connection = new SqliteConnection(write.ToString());
            connection.Open();
            using var busy = connection.CreateCommand();
            busy.CommandText = "PRAGMA busy_timeout = 0;";
            busy.ExecuteNonQuery();
            using var journal = connection.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode = DELETE;";
            var mode = journal.ExecuteScalar() as string;
            if (!string.Equals(mode, "delete", StringComparison.OrdinalIgnoreCase))
            {
                throw new SqliteRestoreException($"the database {database} is in use (it stays in {mode} mode): stop the silo first");
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            throw new SqliteRestoreException($"the database {database} is in use: stop the silo first", e);
        }
        catch (SqliteException e)
        {
            throw new SqliteRestoreException($"the database {database} could not be opened to be replaced: {e.Message}", e);
        }
    }
}
