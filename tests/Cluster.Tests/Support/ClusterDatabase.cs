using Marketplace.TestSupport;
using Npgsql;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>
/// A fresh, uniquely named database for one test class's cluster, on the PostgreSQL named by
/// <c>MARKETPLACE_POSTGRES</c> (or another server), dropped on dispose.
/// </summary>
public sealed class ClusterDatabase : IAsyncDisposable
{
    /// <summary>Orleans' membership status of a silo declared dead.</summary>
    public const int DeadStatus = 6;

    /// <summary>Orleans' membership status of an active silo.</summary>
    public const int ActiveStatus = 3;

    private readonly string _serverConnectionString;

    private ClusterDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>The database's name (also used as the cluster id).</summary>
    public string Name { get; }

    /// <summary>Connection string of the database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty database whose name starts with <paramref name="purpose"/>.</summary>
    public static async Task<ClusterDatabase> CreateAsync(string purpose, string? serverConnectionString = null)
    {
        var server = serverConnectionString ?? ExternalService.Require(PostgresFactAttribute.Variable);
        var name = $"mkt_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new ClusterDatabase(server, name);
    }

    /// <summary>The membership status of the newest incarnation of the silo on <paramref name="siloPort"/>, or null
    /// when it has no row.</summary>
    public async Task<int?> MembershipStatusAsync(string clusterId, int siloPort)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Port = @port ORDER BY Generation DESC LIMIT 1",
            connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("port", siloPort);
        return await command.ExecuteScalarAsync() is int status ? status : null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_serverConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server is already gone (a private server stopped first); nothing left to drop.
        }
    }
}
