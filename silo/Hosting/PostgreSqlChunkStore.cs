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
        try
        {
            await chunks.WriteAsync(hash, bytes, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, Table);
            throw new BlobStoreException($"The chunk store could not write chunk {hex}: the database did not take it ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }

        Interlocked.Add(ref _bytesAccepted, bytes.Length);
        return hex;
    }

    /// <inheritdoc />
    public async Task ReadVerifiedAsync(string blobId, int index, ChunkRef chunk, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        destination = destination[..chunk.Size];
        long stored;
        try
        {
            stored = await chunks.ReadAsync(Convert.FromHexString(chunk.Hash), destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, Table);
            throw new BlobStoreException($"The chunk store could not read chunk {chunk.Hash} of blob {blobId}: the database did not answer ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }

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
    public async Task<bool> ContainsAsync(string hash, int size, CancellationToken cancellationToken = default)
    {
        try
        {
            return await chunks.SizeOfAsync(Convert.FromHexString(hash), cancellationToken).ConfigureAwait(false) == size;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, Table);
            throw new BlobStoreException($"The chunk store could not look up chunk {hash}: the database did not answer ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }
    }

    /// <inheritdoc />
    public async Task AddReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunkRefs, CancellationToken cancellationToken = default)
    {
        try
        {
            await chunks.AddReferencesAsync(blobId, HashesOf(chunkRefs), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, References);
            throw new BlobStoreException($"The chunk store could not record the chunks of blob {blobId}: the database did not take them ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }
    }

    /// <inheritdoc />
    public async Task RemoveReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunkRefs, CancellationToken cancellationToken = default)
    {
        try
        {
            await chunks.RemoveReferencesAsync(blobId, HashesOf(chunkRefs), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, References);
            throw new BlobStoreException($"The chunk store could not remove the chunk references of blob {blobId}: the database did not answer ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }
    }

    /// <inheritdoc />
    public async Task<ChunkSweep> SweepAsync(DateTimeOffset writtenBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        try
        {
            var (count, bytes) = await chunks.SweepAsync(writtenBefore, limit, cancellationToken).ConfigureAwait(false);
            return new ChunkSweep(count, bytes);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            log.ChunkStoreFailed(e, Table);
            throw new BlobStoreException($"The chunk store could not sweep unreferenced chunks: the database did not answer ({e.GetType().Name}). Check the cluster's PostgreSQL server.");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => chunks.DisposeAsync();

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
