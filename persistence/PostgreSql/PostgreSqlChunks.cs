// Design: one row per chunk in MarketplaceBlobChunks, keyed by the SHA-256 of its bytes (Chunks.sql). A write is one
// insert that, on a key already present, replaces the stored bytes only when they no longer hash to the key or have
// another length, so concurrent writers of one chunk need no lock (the primary key serialises them) and a damaged
// copy is mended by the next upload of the same bytes. A read streams the column into the caller's buffer
// (sequential access: Npgsql does not buffer the row) and leaves the hash check to the caller.
using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>
/// Blob chunks as rows of the cluster's PostgreSQL database (table <c>MarketplaceBlobChunks</c>, created by
/// <see cref="PostgreSqlSchema"/>), addressed by the SHA-256 of their bytes and readable by every silo.
/// </summary>
public sealed class PostgreSqlChunks : IAsyncDisposable
{
    private const string WriteSql = """
        INSERT INTO MarketplaceBlobChunks (Hash, Size, Data) VALUES (@hash, @size, @data)
        ON CONFLICT (Hash) DO UPDATE SET Size = EXCLUDED.Size, Data = EXCLUDED.Data, StoredAt = now()
        WHERE MarketplaceBlobChunks.Size <> EXCLUDED.Size OR sha256(MarketplaceBlobChunks.Data) <> MarketplaceBlobChunks.Hash
        """;

    private const string ReadSql = "SELECT Data FROM MarketplaceBlobChunks WHERE Hash = @hash";

    private const string SizeSql = "SELECT Size FROM MarketplaceBlobChunks WHERE Hash = @hash";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Stores into the database named by <paramref name="connectionString"/> (its schema applied).</summary>
    /// <param name="connectionString">Npgsql connection string; the cluster defaults are applied to what it leaves unset.</param>
    public PostgreSqlChunks(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(PostgreSqlConnectionDefaults.Apply(connectionString));
    }

    /// <summary>Stores <paramref name="data"/> under <paramref name="hash"/> (its SHA-256, 32 bytes, computed by the
    /// caller) unless an intact copy is there already.</summary>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public async Task WriteAsync(ReadOnlyMemory<byte> hash, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(WriteSql);
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("hash", NpgsqlDbType.Bytea) { TypedValue = hash });
        command.Parameters.Add(new NpgsqlParameter<int>("size", NpgsqlDbType.Integer) { TypedValue = data.Length });
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = data });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the chunk stored under <paramref name="hash"/> into <paramref name="destination"/>, up to its
    /// length.</summary>
    /// <returns>The stored length (which may differ from the destination's), or -1 when no such chunk is stored.</returns>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public async Task<long> ReadAsync(ReadOnlyMemory<byte> hash, Memory<byte> destination, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("hash", NpgsqlDbType.Bytea) { TypedValue = hash });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return -1;
        }

        await using var column = await reader.GetStreamAsync(0, cancellationToken).ConfigureAwait(false);
        var length = column.Length;
        var wanted = (int)Math.Min(length, destination.Length);
        var read = 0;
        while (read < wanted)
        {
            var n = await column.ReadAsync(destination[read..wanted], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == wanted ? length : read;
    }

    /// <summary>The stored length of the chunk under <paramref name="hash"/>, or -1 when none is stored (its bytes
    /// are not read).</summary>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public async Task<int> SizeOfAsync(ReadOnlyMemory<byte> hash, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SizeSql);
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("hash", NpgsqlDbType.Bytea) { TypedValue = hash });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int size ? size : -1;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
