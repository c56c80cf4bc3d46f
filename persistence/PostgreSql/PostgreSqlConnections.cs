using Npgsql;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>Opens connections from the pool a silo's connection string names (one pool per string, shared by every
/// part of the silo that uses the same string).</summary>
internal static class PostgreSqlConnections
{
    /// <summary>An open connection; disposing it gives it back to the pool. A connection that fails to open is disposed
    /// before the failure leaves.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
