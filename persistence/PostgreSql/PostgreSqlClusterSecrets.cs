// Design: a value is created by the first caller and read by all others in one transaction that first takes the
// schema's advisory lock, so callers racing at a cluster's first start queue behind each other (and behind a schema
// apply): the table is created if missing, the candidate inserted unless a row exists, and the stored row read back
// after the lock, so every caller sees the one committed value. Silos call it once at start, never on a hot path.
using Npgsql;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>
/// Values created once per cluster and shared by every silo through the cluster's PostgreSQL database (table
/// <c>MarketplaceClusterSecrets</c>), such as the development API key: no file shared between hosts is needed.
/// </summary>
public static class PostgreSqlClusterSecrets
{
    /// <summary>Longest name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>
    /// <see cref="GetOrCreateAsync"/> while a silo starts, before it serves anything: blocks, and asks again every 2 s
    /// for up to <paramref name="wait"/> while the database does not answer (a cluster whose database starts beside
    /// its silos), calling <paramref name="retrying"/> before each new try.
    /// </summary>
    /// <exception cref="NpgsqlException">The database still did not answer after <paramref name="wait"/>.</exception>
    public static (string Value, bool Created) GetOrCreateWaiting(string connectionString, string name, string candidate, TimeSpan wait, Action<NpgsqlException>? retrying = null)
    {
        var retry = TimeSpan.FromSeconds(2);
        var waited = TimeSpan.Zero;
        while (true)
        {
            try
            {
                return GetOrCreateAsync(connectionString, name, candidate, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (NpgsqlException e) when (waited < wait)
            {
                retrying?.Invoke(e);
                Thread.Sleep(retry);
                waited += retry;
            }
        }
    }

    /// <summary>
    /// Returns the value stored under <paramref name="name"/>, storing <paramref name="candidate"/> first when there is
    /// none. Creates the table when the schema was not applied yet.
    /// </summary>
    /// <param name="connectionString">Npgsql connection string of the cluster's database.</param>
    /// <param name="name">1 to 64 characters.</param>
    /// <param name="candidate">The value to store when none is.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock or the statements.</param>
    /// <returns>The stored value, and whether it is <paramref name="candidate"/>, stored by this call.</returns>
    /// <exception cref="NpgsqlException">The database did not answer or refused a statement.</exception>
    public static async Task<(string Value, bool Created)> GetOrCreateAsync(string connectionString, string name, string candidate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, MaxNameLength, nameof(name));
        ArgumentException.ThrowIfNullOrEmpty(candidate);

        await using var connection = new NpgsqlConnection(PostgreSqlConnectionDefaults.Apply(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", PostgreSqlSchema.AdvisoryLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Only when missing: a role without CREATE rights (schema applied by a separate service) must not need them.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('marketplaceclustersecrets') IS NOT NULL", connection, transaction))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await using var create = new NpgsqlCommand(PostgreSqlSchema.ReadScript("ClusterSecrets.sql"), connection, transaction);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        bool created;
        await using (var command = new NpgsqlCommand(
            "INSERT INTO MarketplaceClusterSecrets (Name, Value) VALUES (@name, @value) ON CONFLICT (Name) DO NOTHING", connection, transaction))
        {
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("value", candidate);
            created = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }

        string value;
        await using (var command = new NpgsqlCommand("SELECT Value FROM MarketplaceClusterSecrets WHERE Name = @name", connection, transaction))
        {
            command.Parameters.AddWithValue("name", name);
            value = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (value, created);
    }
}
