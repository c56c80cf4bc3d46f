using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>
/// Where blob chunks live, addressed by the SHA-256 of their bytes: written once (a second write of the same bytes is
/// a no-op), readable by any silo that shares the store, verified on every read. <see cref="FileChunkStore"/> keeps
/// them in a folder (the embedded default); a PostgreSQL cluster keeps them as rows of its database.
/// </summary>
internal interface IChunkStore
{
    /// <summary>Bytes handed to <see cref="WriteAsync"/> that are safely in the store (new or deduplicated).</summary>
    long BytesAccepted { get; }

    /// <summary>Stores <paramref name="bytes"/> under their SHA-256 and returns it (64 lowercase hex).</summary>
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
}
