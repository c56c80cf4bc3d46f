// The online backup's promise: a copy taken while another connection keeps committing is one consistent snapshot (no
// transaction half in it), a whole single-file database, and never overwrites an existing file. The writer commits
// transactions that each keep an invariant across two tables; the test takes the backup after the writer has
// committed some and lets the writer go on until it has committed more after the backup returned, so the copy was
// taken with writes in flight, then checks the invariant and SQLite's integrity check on the copy.
using Microsoft.Data.Sqlite;

namespace Marketplace.Persistence.Sqlite.Tests;

public sealed class SqliteOnlineBackupTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Backup_while_a_writer_commits_is_a_consistent_single_file_snapshot()
    {
        var live = "Data Source=" + Path.Combine(_folder.Path, "live.db");
        Execute(live, "PRAGMA journal_mode = WAL; CREATE TABLE rows (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL); "
            + "CREATE TABLE totals (n INTEGER NOT NULL); INSERT INTO totals VALUES (0);");

        var committed = 0;
        var afterBackup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backupDone = 0;
        var committedAtBackupEnd = 0;
        var writer = Task.Run(() =>
        {
            using var connection = new SqliteConnection(live);
            connection.Open();
            for (var i = 1; ; i++)
            {
                using (var transaction = connection.BeginTransaction())
                using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = "INSERT INTO rows VALUES ($i, $i, -$i); UPDATE totals SET n = n + 1;";
                    command.Parameters.AddWithValue("$i", i);
                    command.ExecuteNonQuery();
                    transaction.Commit();
                }

                Volatile.Write(ref committed, i);
                if (Volatile.Read(ref backupDone) == 1 && i >= Volatile.Read(ref committedAtBackupEnd) + 50)
                {
                    afterBackup.TrySetResult();
                    return;
                }
            }
        });

        while (Volatile.Read(ref committed) < 100)
        {
            Assert.False(writer.IsCompleted, "the writer stopped early");
            await Task.Delay(10);
        }

        var target = Path.Combine(_folder.Path, "backups", "copy.db");
        var bytes = await SqliteOnlineBackup.BackupAsync(live, target);
        Volatile.Write(ref committedAtBackupEnd, Volatile.Read(ref committed));
        Volatile.Write(ref backupDone, 1);
        await afterBackup.Task.WaitAsync(Bound);
        await writer;

        Assert.Equal(new FileInfo(target).Length, bytes);
        Assert.False(File.Exists(target + ".partial"));
        var copy = "Data Source=" + target + ";Pooling=False";
        var rows = Scalar(copy, "SELECT COUNT(*) FROM rows");
        Assert.True(rows >= 100, $"the copy holds {rows} rows; at least the 100 committed before it began");
        Assert.True(rows < Scalar(live, "SELECT COUNT(*) FROM rows"), "the writer committed more after the copy");
        // Every transaction is wholly in the copy or wholly out: the rows are a prefix and the total matches.
        Assert.Equal(rows, Scalar(copy, "SELECT n FROM totals"));
        Assert.Equal(rows, Scalar(copy, "SELECT MAX(id) FROM rows"));
        Assert.Equal(0, Scalar(copy, "SELECT SUM(a) + SUM(b) FROM rows"));
        Assert.Equal("ok", Text(copy, "PRAGMA integrity_check"));
        Assert.Equal("delete", Text(copy, "PRAGMA journal_mode"));
        Assert.False(File.Exists(target + "-wal"));
    }

    [Fact]
    public async Task Backup_never_overwrites_an_existing_file()
    {
        var live = "Data Source=" + Path.Combine(_folder.Path, "live.db");
        Execute(live, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);");
        var target = Path.Combine(_folder.Path, "existing.db");
        await File.WriteAllTextAsync(target, "not a database");
        await Assert.ThrowsAsync<IOException>(() => SqliteOnlineBackup.BackupAsync(live, target));
        Assert.Equal("not a database", await File.ReadAllTextAsync(target));
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(string connectionString, string sql) => Convert.ToInt64(Query(connectionString, sql), System.Globalization.CultureInfo.InvariantCulture);

    private static string Text(string connectionString, string sql) => Convert.ToString(Query(connectionString, sql), System.Globalization.CultureInfo.InvariantCulture)!;

    private static object Query(string connectionString, string sql)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()!;
    }
}
