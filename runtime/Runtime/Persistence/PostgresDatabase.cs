using System.Data.Common;
using Npgsql;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// A PostgreSQL database through one pooled <see cref="NpgsqlDataSource"/>. Schema scripts run in one transaction
/// under a transaction-scoped advisory lock, so concurrent starts of several silos do not race on DDL.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase
{
    /// <summary>Advisory lock key serialising schema scripts ("MktSchma" as ASCII).</summary>
    private const long SchemaLockKey = 0x4D6B74536368_6D61;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        try
        {
            _dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Invalid Npgsql connection string: {ex.Message}", nameof(connectionString), ex);
        }
    }

    public override string Invariant => AdoNetInvariants.PostgreSql;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task ApplyScriptAsync(string script, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(script, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public override void Dispose() => _dataSource.Dispose();
}
