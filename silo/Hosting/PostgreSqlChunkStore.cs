// A PostgreSQL cluster's chunk store: the chunks are rows of the cluster's database (PostgreSqlChunks,
// persistence/PostgreSql/Scripts/Chunks.sql), so any silo reads what any other stored, with no shared folder, and a
// pg_dump holds every blob. Each chunk is hashed here on the way in and checked here on every read, as the file store
// does: a row that no longer hashes to its key is reported as damaged and never served.
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Marketplace.Persistence.PostgreSql;
using Npgsql;

namespace Marketplace.Silo.Hosting;

/// <summary>Blob chunks in the cluster's PostgreSQL database, written once, verified on every read.</summary>
internal sealed class PostgreSqlChunkStore(PostgreSqlChunks chunks, BlobLog log, TimeProvider? time = null) : IChunkStore, IAsyncDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>What the log names as the place of a damaged chunk.</summary>
    private const string Table = "table MarketplaceBlobChunks";

    /// <summary>What the log names as the place of the chunk references.</summary>
    private const string References = "table MarketplaceBlobChunkRefs";

    private long _bytesAccepted;

    /// <inheritdoc />
    public long BytesAccepted => Interlocked.Read(ref _bytesAccepted);

    /// <inheritdoc />
    public async Task<string> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var hash = SHA256.HashData(bytes.Span);
        var hex = Convert.ToHexStringLower(hash);
        await GuardAsync(chunks.WriteAsync(hash, bytes, _time.GetUtcNow(), cancellationToken), Table, $"could not write chunk {hex}: the database did not take it").ConfigureAwait(false);
        Interlocked.Add(ref _bytesAccepted, bytes.Length);
        return hex;
    }

    /// <inheritdoc />
    public async Task ReadVerifiedAsync(string blobId, int index, ChunkRef chunk, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        destination = destination[..chunk.Size];
        var stored = await GuardAsync(
            chunks.ReadAsync(Convert.FromHexString(chunk.Hash), destination, cancellationToken), Table, $"could not read chunk {chunk.Hash} of blob {blobId}: the database did not answer").ConfigureAwait(false);

        string? problem = null;
        var actual = "none";
        if (stored < 0)
        {
            problem = "no such row";
        }
        else if (stored != chunk.Size)
        {
            problem = $"{stored} bytes stored, {chunk.Size} expected";
            actual = "of another length";
        }
        else
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(destination.Span));
            if (!string.Equals(actual, chunk.Hash, StringComparison.Ordinal))
            {
                problem = "hash mismatch";
            }
        }

        if (problem is not null)
        {
            log.ChunkDamaged(blobId, index, chunk.Hash, Table, problem);
            throw new BlobIntegrityException(
                $"Blob {blobId} chunk {index} failed its integrity check: expected sha256 {chunk.Hash}, actual: {actual} ({problem} in the cluster's chunk table).");
        }
    }

    /// <inheritdoc />
    public async Task<bool> ContainsAsync(string hash, int size, CancellationToken cancellationToken = default) =>
        await GuardAsync(chunks.SizeOfAsync(Convert.FromHexString(hash), cancellationToken), Table, $"could not look up chunk {hash}: the database did not answer").ConfigureAwait(false) == size;

    /// <inheritdoc />
    public Task AddReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunkRefs, CancellationToken cancellationToken = default) =>
        GuardAsync(chunks.AddReferencesAsync(blobId, HashesOf(chunkRefs), cancellationToken), References, $"could not record the chunks of blob {blobId}: the database did not take them");

    /// <inheritdoc />
    public Task RemoveReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunkRefs, CancellationToken cancellationToken = default) =>
        GuardAsync(chunks.RemoveReferencesAsync(blobId, HashesOf(chunkRefs), cancellationToken), References, $"could not remove the chunk references of blob {blobId}: the database did not answer");

    /// <inheritdoc />
    public async Task<ChunkSweep> SweepAsync(DateTimeOffset writtenBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var (count, bytes) = await GuardAsync(chunks.SweepAsync(writtenBefore, limit, cancellationToken), Table, "could not sweep unreferenced chunks: the database did not answer").ConfigureAwait(false);
        return new ChunkSweep(count, bytes);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => chunks.DisposeAsync();

    /// <summary>Awaits a database call; a failure of the database is logged against <paramref name="place"/> and
    /// rethrown as the blob store's own error, saying what could not be done.</summary>
    private async Task<T> GuardAsync<T>(Task<T> call, string place, string failure)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, place);
            throw new BlobStoreException($"The chunk store {failure} ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }
    }

    /// <inheritdoc cref="GuardAsync{T}(Task{T}, string, string)"/>
    private async Task GuardAsync(Task call, string place, string failure)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, place);
            throw new BlobStoreException($"The chunk store {failure} ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }
    }

    private static byte[][] HashesOf(IReadOnlyList<ChunkRef> chunkRefs)
    {
        ArgumentNullException.ThrowIfNull(chunkRefs);
        var hashes = new byte[chunkRefs.Count][];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = Convert.FromHexString(chunkRefs[i].Hash);
        }

        return hashes;
    }
}
