// The silo's `--restore <backup>` command, in process: where it restores (the data folder the silo's configuration
// names), both spellings of the switch, and the uses it refuses with exit code 2. The refusals of bad backups and of a
// database in use are SqliteBackupRestore's (tests/Persistence.Sqlite.Tests); the command against a running silo
// process is in tests/Cluster.Tests/Operations.
using Marketplace.Persistence.Sqlite;
using Marketplace.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Marketplace.Api.Tests.Configuration;

public sealed class RestoreCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mkt-restore-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<string> BackupAsync(string value)
    {
        var source = Path.Combine(_folder, "source.db");
        using (var connection = new SqliteConnection($"Data Source={source};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE TABLE IF NOT EXISTS OrleansStorage (k TEXT); DELETE FROM OrleansStorage; INSERT INTO OrleansStorage VALUES ('{value}');";
            command.ExecuteNonQuery();
        }

        var backup = Path.Combine(_folder, "backups", value + ".db");
        await SqliteOnlineBackup.BackupAsync($"Data Source={source}", backup);
        return backup;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(TimeProvider? clock, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RestoreCommand.RunAsync(args, output, error, clock);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Restores_into_the_configured_data_folder_and_keeps_what_it_replaced()
    {
        var data = Path.Combine(_folder, "data");
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        var first = await BackupAsync("first");
        var (code, output, error) = await RunAsync(clock, "--restore", first, $"--Marketplace:DataFolder={data}");
        Assert.True(code == 0, error);
        Assert.Contains($"restored as {Path.Combine(data, "marketplace.db")}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("replaced", output, StringComparison.Ordinal);

        var second = await BackupAsync("second");
        (code, output, error) = await RunAsync(clock, $"--restore={second}", $"--Marketplace:DataFolder={data}");
        Assert.True(code == 0, error);
        var kept = Path.Combine(data, RestoreCommand.ReplacedFolder, "marketplace-20261124T080000000Z.db");
        Assert.Contains($"the database it replaced is kept at {kept}", output, StringComparison.Ordinal);
        Assert.Equal("second", Value(Path.Combine(data, "marketplace.db")));
        Assert.Equal("first", Value(kept));
    }

    [Fact]
    public async Task Refuses_without_a_file_in_postgresql_mode_and_for_a_bad_backup()
    {
        var data = Path.Combine(_folder, "data");
        var (code, _, error) = await RunAsync(null, "--restore", $"--Marketplace:DataFolder={data}");
        Assert.Equal(2, code);
        Assert.Contains("--restore needs the backup", error, StringComparison.Ordinal);

        var backup = await BackupAsync("any");
        (code, _, error) = await RunAsync(null, "--restore", backup, "--Marketplace:Cluster:Mode=PostgreSql", $"--Marketplace:DataFolder={data}");
        Assert.Equal(2, code);
        Assert.Contains("pg_restore", error, StringComparison.Ordinal);

        var text = Path.Combine(_folder, "notes.db");
        await File.WriteAllTextAsync(text, string.Concat(Enumerable.Repeat("plain text, no database ", 300)));
        (code, _, error) = await RunAsync(null, "--restore", text, $"--Marketplace:DataFolder={data}");
        Assert.Equal(1, code);
        Assert.Contains("nothing was changed", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "marketplace.db")));
    }

    private static string Value(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT k FROM OrleansStorage";
        return (string)command.ExecuteScalar()!;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
