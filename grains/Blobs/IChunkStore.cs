using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>
/// Where blob chunks live, addressed by the SHA-256 of their bytes: written once (a second write of the same bytes only
/// renews the chunk's last-written time), readable by any silo that shares the store, verified on every read. Each
/// stored blob references its chunks; a chunk no blob references is deleted by <see cref="SweepAsync"/> once its
/// last write is older than the grace. <see cref="FileChunkStore"/> keeps them in a folder (the embedded default); a
/// PostgreSQL cluster keeps them as rows of its database.
/// </summary>
internal interface IChunkStore
{
    /// <summary>Bytes handed to <see cref="WriteAsync"/> that are safely in the store (new or deduplicated).</summary>
    long BytesAccepted { get; }

    /// <summary>Stores <paramref name="bytes"/> under their SHA-256 and returns it (64 lowercase hex); the chunk's
    /// last-written time becomes now, also when an intact copy was there already.</summary>
    /// <exception cref="BlobStoreException">The store failed.</exception>
    Task<string> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default);

    /// <summary>Reads chunk <paramref name="index"/> of blob <paramref name="blobId"/> into
    /// <paramref name="destination"/> (exactly <see cref="ChunkRef.Size"/> bytes) and checks its length and SHA-256.</summary>
    /// <exception cref="BlobIntegrityException">The chunk is missing, has the wrong length or the wrong hash.</exception>
    /// <exception cref="BlobStoreException">The store failed.</exception>
    Task ReadVerifiedAsync(string blobId, int index, ChunkRef chunk, Memory<byte> destination, CancellationToken cancellationToken = default);

    /// <summary>True when a chunk of <paramref name="size"/> bytes is stored under <paramref name="hash"/> (its bytes
    /// are not read).</summary>
    /// <exception cref="BlobStoreException">The store failed.</exception>
    Task<bool> ContainsAsync(string hash, int size, CancellationToken cancellationToken = default);

    /// <summary>Records that blob <paramref name="blobId"/> references <paramref name="chunks"/> (idempotent), so they
    /// are not collected while it is stored.</summary>
    /// <exception cref="BlobStoreException">The store failed.</exception>
    Task AddReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default);

    /// <summary>Removes blob <paramref name="blobId"/>'s references to <paramref name="chunks"/> (idempotent): chunks
    /// no other blob references are collected after the grace.</summary>
    /// <exception cref="BlobStoreException">The store failed.</exception>
    Task RemoveReferencesAsync(string blobId, IReadOnlyList<ChunkRef> chunks, CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="limit"/> chunks that no blob references and that were last written
    /// before <paramref name="writtenBefore"/>; a chunk written again meanwhile (an upload of the same bytes) is
    /// kept.</summary>
    /// <exception cref="BlobStoreException">The store failed.</exception>
    Task<ChunkSweep> SweepAsync(DateTimeOffset writtenBefore, int limit, CancellationToken cancellationToken = default);
}
