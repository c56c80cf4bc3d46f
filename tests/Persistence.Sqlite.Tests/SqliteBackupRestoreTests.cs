// A restore puts a backup back only when it is safe: the backup must be a whole SQLite database holding the grain
// storage table, the database it replaces must not be open elsewhere, and the replaced database is kept, never
// deleted. Every refusal leaves the folder as it was.
using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite.Tests;

public sealed class SqliteBackupRestoreTests : IDisposable
{
    private static readonly DateTimeOffset RestoredAt = new(2026, 11, 24, 7, 30, 0, 123, TimeSpan.Zero);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string InFolder(string name) => Path.Combine(_folder.Path, name);

    [Fact]
    public async Task A_backup_replaces_a_closed_database_which_is_kept_with_its_wal_files()
    {
        var live = InFolder("data/marketplace.db");
        Directory.CreateDirectory(Path.GetDirectoryName(live)!);
        Execute(live, "PRAGMA journal_mode = WAL; CREATE TABLE OrleansStorage (k TEXT); INSERT INTO OrleansStorage VALUES ('backed-up');");
        var backup = InFolder("data/backups/marketplace-1.db");
        await SqliteOnlineBackup.BackupAsync("Data Source=" + live, backup);
        Execute(live, "INSERT INTO OrleansStorage VALUES ('after the backup');");
        SqliteConnection.ClearAllPools();

        var replaced = SqliteBackupRestore.Restore(backup, live, InFolder("data/replaced"), RestoredAt);

        Assert.Equal(InFolder("data/replaced/marketplace-20261124T073000123Z.db"), replaced);
        Assert.Equal(["backed-up"], Rows(live));
        Assert.Equal(["backed-up", "after the backup"], Rows(replaced!));
        Assert.Equal("ok", Text(live, "PRAGMA integrity_check"));
        Assert.False(File.Exists(live + ".partial"));
        Assert.False(File.Exists(live + "-wal"), "the replaced database's WAL went with it");
    }

    [Fact]
    public async Task A_backup_fills_an_empty_data_folder()
    {
        var source = InFolder("source.db");
        Execute(source, "CREATE TABLE OrleansStorage (k TEXT); INSERT INTO OrleansStorage VALUES ('only');");
        var backup = InFolder("backup.db");
        await SqliteOnlineBackup.BackupAsync("Data Source=" + source, backup);
        var target = InFolder("fresh/data/marketplace.db");

        Assert.Null(SqliteBackupRestore.Restore(backup, target, InFolder("fresh/data/replaced"), RestoredAt));
        Assert.Equal(["only"], Rows(target));
        Assert.False(Directory.Exists(InFolder("fresh/data/replaced")));
    }

    [Fact]
    public async Task A_database_open_in_another_connection_is_not_replaced()
    {
        var live = InFolder("marketplace.db");
        Execute(live, "PRAGMA journal_mode = WAL; CREATE TABLE OrleansStorage (k TEXT); INSERT INTO OrleansStorage VALUES ('live');");
        var backup = InFolder("backup.db");
        await SqliteOnlineBackup.BackupAsync("Data Source=" + live, backup);
        Execute(live, "INSERT INTO OrleansStorage VALUES ('newer');");

        // A running silo holds pooled connections open, each having read; this one stands for them.
        using (var silo = new SqliteConnection("Data Source=" + live))
        {
            silo.Open();
            using (var read = silo.CreateCommand())
            {
                read.CommandText = "SELECT count(*) FROM OrleansStorage";
                Assert.Equal(2L, read.ExecuteScalar());
            }

            var refused = Assert.Throws<SqliteRestoreException>(() => SqliteBackupRestore.Restore(backup, live, InFolder("replaced"), RestoredAt));
            Assert.Contains("in use: stop the silo first", refused.Message, StringComparison.Ordinal);
            Assert.Equal(["live", "newer"], Rows(live));
        }

        Assert.False(Directory.Exists(InFolder("replaced")));
    }

    [Fact]
    public void A_missing_foreign_damaged_or_non_database_backup_changes_nothing()
    {
        var live = InFolder("marketplace.db");
        Execute(live, "CREATE TABLE OrleansStorage (k TEXT); INSERT INTO OrleansStorage VALUES ('kept');");
        SqliteConnection.ClearAllPools();
        var before = File.ReadAllBytes(live);

        var missing = Assert.Throws<SqliteRestoreException>(() => SqliteBackupRestore.Restore(InFolder("none.db"), live, InFolder("replaced"), RestoredAt));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        var text = InFolder("notes.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("not a database at all ", 400)));
        Assert.Contains("not a readable SQLite database", Assert.Throws<SqliteRestoreException>(() => SqliteBackupRestore.Restore(text, live, InFolder("replaced"), RestoredAt)).Message, StringComparison.Ordinal);

        var foreign = InFolder("foreign.db");
        Execute(foreign, "CREATE TABLE invoices (n INTEGER);");
        Assert.Contains("without the grain storage table", Assert.Throws<SqliteRestoreException>(() => SqliteBackupRestore.Restore(foreign, live, InFolder("replaced"), RestoredAt)).Message, StringComparison.Ordinal);

        // A database with one of its table's pages overwritten: SQLite's integrity check finds it.
        var damaged = InFolder("damaged.db");
        Execute(damaged, "PRAGMA page_size = 4096; CREATE TABLE OrleansStorage (k TEXT); CREATE INDEX by_k ON OrleansStorage (k);");
        for (var i = 0; i < 200; i++)
        {
            Execute(damaged, $"INSERT INTO OrleansStorage VALUES ('{new string((char)('a' + (i % 26)), 300)}{i}');");
        }

        SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(damaged);
        var seed = 20261124;
        var random = new Random(seed);
        var page = bytes.Length / 4096 - 2; // a late page: the index's or the table's, not the schema's
        for (var i = 100; i < 4000; i++)
        {
            bytes[(page * 4096) + i] = (byte)random.Next(256);
        }

        File.WriteAllBytes(damaged, bytes);
        var refusal = Assert.Throws<SqliteRestoreException>(() => SqliteBackupRestore.Restore(damaged, live, InFolder("replaced"), RestoredAt));
        Assert.True(refusal.Message.Contains("damaged", StringComparison.Ordinal) || refusal.Message.Contains("not a readable", StringComparison.Ordinal), $"seed {seed}: {refusal.Message}");

        Assert.Equal(before, File.ReadAllBytes(live));
        Assert.False(Directory.Exists(InFolder("replaced")));
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Rows(string path)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT k FROM OrleansStorage ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static string? Text(string path, string sql)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }
}
