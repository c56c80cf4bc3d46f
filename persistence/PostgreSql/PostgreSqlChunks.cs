// Design: one row per chunk in MarketplaceBlobChunks, keyed by the SHA-256 of its bytes (Chunks.sql). A write is one
// insert that, on a key already present, renews StoredAt and replaces the stored bytes only when they no longer hash
// to the key or have another length (an unchanged value keeps its out-of-line storage), so concurrent writers of one
// chunk need no lock (the primary key serialises them) and a damaged copy is mended by the next upload of the same
// bytes. A sweep deletes, in one statement, rows with no reference and an old StoredAt that it locks (skipping rows
// other sweeps hold) and checks again once locked: a write that renewed StoredAt first keeps its row, and one that
// comes after the delete inserts the row anew. A read streams the column into the caller's buffer
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
        INSERT INTO MarketplaceBlobChunks (Hash, Size, Data, StoredAt) VALUES (@hash, @size, @data, @now)
        ON CONFLICT (Hash) DO UPDATE SET
            Size = EXCLUDED.Size,
            Data = CASE WHEN MarketplaceBlobChunks.Size <> EXCLUDED.Size OR sha256(MarketplaceBlobChunks.Data) <> MarketplaceBlobChunks.Hash
                THEN EXCLUDED.Data ELSE MarketplaceBlobChunks.Data END,
            StoredAt = GREATEST(MarketplaceBlobChunks.StoredAt, EXCLUDED.StoredAt)
        """;

    private const string AddReferencesSql = """
        INSERT INTO MarketplaceBlobChunkRefs (Hash, BlobId) SELECT h, @blob FROM unnest(@hashes) AS h
        ON CONFLICT DO NOTHING
        """;

    private const string RemoveReferencesSql = "DELETE FROM MarketplaceBlobChunkRefs WHERE BlobId = @blob AND Hash = ANY(@hashes)";

    private const string SweepSql = """
        DELETE FROM MarketplaceBlobChunks
        WHERE Hash IN (
            SELECT c.Hash FROM MarketplaceBlobChunks c
            WHERE c.StoredAt < @before AND NOT EXISTS (SELECT 1 FROM MarketplaceBlobChunkRefs r WHERE r.Hash = c.Hash)
            LIMIT @limit
            FOR UPDATE SKIP LOCKED)
        AND StoredAt < @before
        AND NOT EXISTS (SELECT 1 FROM MarketplaceBlobChunkRefs r WHERE r.Hash = MarketplaceBlobChunks.Hash)
        RETURNING Size
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
    /// caller) unless an intact copy is there already, and makes <paramref name="now"/> its last write (never moving it
    /// back).</summary>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public async Task WriteAsync(ReadOnlyMemory<byte> hash, ReadOnlyMemory<byte> data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(WriteSql);
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("hash", NpgsqlDbType.Bytea) { TypedValue = hash });
        command.Parameters.Add(new NpgsqlParameter<int>("size", NpgsqlDbType.Integer) { TypedValue = data.Length });
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = data });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.TimestampTz) { TypedValue = now.UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that blob <paramref name="blobId"/> references the chunks <paramref name="hashes"/>
    /// (idempotent).</summary>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public Task AddReferencesAsync(string blobId, byte[][] hashes, CancellationToken cancellationToken) =>
        ReferencesAsync(AddReferencesSql, blobId, hashes, cancellationToken);

    /// <summary>Removes blob <paramref name="blobId"/>'s references to the chunks <paramref name="hashes"/>
    /// (idempotent).</summary>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public Task RemoveReferencesAsync(string blobId, byte[][] hashes, CancellationToken cancellationToken) =>
        ReferencesAsync(RemoveReferencesSql, blobId, hashes, cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> chunks no blob references whose last write is before
    /// <paramref name="before"/>; returns how many and their bytes.</summary>
    /// <exception cref="NpgsqlException">The database did not answer or refused the statement.</exception>
    public async Task<(int Chunks, long Bytes)> SweepAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SweepSql);
        command.Parameters.Add(new NpgsqlParameter<DateTime>("before", NpgsqlDbType.TimestampTz) { TypedValue = before.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        int chunks = 0;
        long bytes = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            chunks++;
            bytes += reader.GetInt32(0);
        }

        return (chunks, bytes);
    }

    private async Task ReferencesAsync(string sql, string blobId, byte[][] hashes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blobId);
        ArgumentNullException.ThrowIfNull(hashes);
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("blob", NpgsqlDbType.Text) { TypedValue = blobId });
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = hashes });
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
