// Design: recording is one statement, an insert that on a conflicting key only takes over a row whose expiry has
// passed, and says by its returned row whether it recorded. So two silos recording the same pair at the same moment
// cannot both succeed (the primary key serialises them), and an expired row is reused without a delete first.
// Expired rows are deleted in batches by whoever records the SweepEvery-th nonce on this instance, so the table
// follows the live window without a separate job.
using Npgsql;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>
/// The nonces of signed HTTP requests, recorded cluster-wide in the cluster's PostgreSQL database (table
/// <c>MarketplaceRequestNonces</c>, created by <see cref="PostgreSqlSchema"/>), so a captured request is refused as a
/// replay on every silo, not only on the one that first accepted it.
/// </summary>
public sealed class PostgreSqlRequestNonces : IAsyncDisposable
{
    private const int SweepEvery = 1024;
    private const int SweepBatch = 10_000;

    private const string RecordSql = """
        INSERT INTO MarketplaceRequestNonces (KeyId, Nonce, ExpiresAt) VALUES (@key, @nonce, @expires)
        ON CONFLICT (KeyId, Nonce) DO UPDATE SET ExpiresAt = EXCLUDED.ExpiresAt
        WHERE MarketplaceRequestNonces.ExpiresAt <= @now
        RETURNING 1
        """;

    private const string SweepSql = """
        DELETE FROM MarketplaceRequestNonces WHERE ctid IN
            (SELECT ctid FROM MarketplaceRequestNonces WHERE ExpiresAt <= @now LIMIT @batch)
        """;

    private readonly NpgsqlDataSource _dataSource;
    private int _recordsSinceSweep;

    /// <summary>Records into the database named by <paramref name="connectionString"/> (its schema applied).</summary>
    /// <param name="connectionString">Npgsql connection string; the cluster defaults are applied to what it leaves unset.</param>
    public PostgreSqlRequestNonces(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(PostgreSqlConnectionDefaults.Apply(connectionString));
    }

    /// <summary>Records <paramref name="nonce"/> of <paramref name="keyId"/> until <paramref name="expiresAt"/>,
    /// unless it is recorded already and unexpired at <paramref name="now"/>.</summary>
    /// <returns>True when recorded; false for a replay.</returns>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public async Task<bool> TryRecordAsync(string keyId, string nonce, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        if (Interlocked.Increment(ref _recordsSinceSweep) >= SweepEvery)
        {
            Interlocked.Exchange(ref _recordsSinceSweep, 0);
            await DeleteExpiredAsync(now, cancellationToken).ConfigureAwait(false);
        }

        await using var command = _dataSource.CreateCommand(RecordSql);
        command.Parameters.AddWithValue("key", keyId);
        command.Parameters.AddWithValue("nonce", nonce);
        command.Parameters.AddWithValue("expires", expiresAt.UtcDateTime);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Deletes up to 10,000 rows expired at <paramref name="now"/>; returns how many.</summary>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SweepSql);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("batch", SweepBatch);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
