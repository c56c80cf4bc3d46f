// A database of the bench's own on the server it was given (the cluster's schema applied) and a scratch folder, both
// removed when the bench ends.
using System.Globalization;
using Marketplace.Persistence.PostgreSql;
using Npgsql;

internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private BenchDatabase(string server, string name, string folder)
    {
        _server = server;
        _name = name;
        Folder = folder;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Connection string of the bench's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The bench's scratch folder (created by whoever writes into it).</summary>
    public string Folder { get; }

    /// <summary>Creates a database named <paramref name="prefix"/> and a random suffix, with the schema applied.</summary>
    public static async Task<BenchDatabase> CreateAsync(string server, string prefix)
    {
        var name = $"{prefix}{Guid.NewGuid():N}"[..40];
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        var database = new BenchDatabase(server, name, Path.Combine(Path.GetTempPath(), name));
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        return database;
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>, run in the bench's database.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
