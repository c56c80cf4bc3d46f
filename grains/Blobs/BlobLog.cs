using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Blobs;

/// <summary>The blob store's log events (category <c>Marketplace.Grains.Blobs</c>, event ids 5101-5199).</summary>
internal sealed partial class BlobLog(ILogger logger)
{
    /// <summary>The log category.</summary>
    public const string Category = "Marketplace.Grains.Blobs";

    [LoggerMessage(EventId = MarketplaceEventIds.ChunkStoreOpened, Level = LogLevel.Information, Message = "Chunk store at {Path}; removed {Count} stale temporary files")]
    public partial void ChunkStoreOpened(string path, int count);

    [LoggerMessage(EventId = MarketplaceEventIds.ChunkRepaired, Level = LogLevel.Warning, Message = "Chunk {Hash} on disk did not match its hash; replaced it with the verified bytes of an upload")]
    public partial void ChunkRepaired(string hash);

    [LoggerMessage(EventId = MarketplaceEventIds.ChunkIntegrityFailure, Level = LogLevel.Error, Message = "Integrity failure reading chunk {Index} ({Hash}) of blob {BlobId} at {Path}: {Problem}")]
    public partial void ChunkDamaged(string blobId, int index, string hash, string path, string problem);

    [LoggerMessage(EventId = MarketplaceEventIds.ChunkStoreIoFailed, Level = LogLevel.Error, Message = "Chunk store I/O failed on {Path}")]
    public partial void ChunkStoreFailed(Exception exception, string path);

    [LoggerMessage(EventId = MarketplaceEventIds.UploadAborted, Level = LogLevel.Information, Message = "Upload {UploadId} aborted: {Reason}")]
    public partial void UploadAborted(Guid uploadId, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.BlobRegistered, Level = LogLevel.Debug, Message = "Blob {BlobId} registered: {Size} bytes in {Chunks} chunks")]
    public partial void BlobRegistered(string blobId, long size, int chunks);

    [LoggerMessage(EventId = MarketplaceEventIds.BlobShared, Level = LogLevel.Information, Message = "Blob {BlobId} shared with client {ClientId} by {Caller}")]
    public partial void BlobShared(string blobId, string clientId, string caller);

    [LoggerMessage(EventId = MarketplaceEventIds.BlobUnshared, Level = LogLevel.Information, Message = "Blob {BlobId} no longer shared with client {ClientId}, revoked by {Caller}")]
    public partial void BlobUnshared(string blobId, string clientId, string caller);

    [LoggerMessage(EventId = MarketplaceEventIds.BlobPublicChanged, Level = LogLevel.Information, Message = "Blob {BlobId} public: {Public}, set by {Caller}")]
    public partial void BlobPublicChanged(string blobId, bool @public, string caller);

    [LoggerMessage(EventId = MarketplaceEventIds.BlobOwnerLeft, Level = LogLevel.Information, Message = "Blob {BlobId}: client {ClientId} gave it up; {Owners} owners remain")]
    public partial void BlobOwnerLeft(string blobId, string clientId, int owners);

    [LoggerMessage(EventId = MarketplaceEventIds.BlobCleared, Level = LogLevel.Information, Message = "Blob {BlobId}: its last owner {ClientId} gave it up; the record is cleared (chunks no other blob references are collected after the grace)")]
    public partial void BlobCleared(string blobId, string clientId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageChargeUndoFailed, Level = LogLevel.Warning, Message = "Blob {BlobId}: the charge of client {ClientId} could not be taken back after the blob's write failed; it is released when the client deletes the blob")]
    public partial void StorageChargeUndoFailed(Exception exception, string blobId, string clientId);

    [LoggerMessage(EventId = MarketplaceEventIds.StorageQuotaRefused, Level = LogLevel.Information, Message = "Client {ClientId} refused blob {BlobId} of {Size} bytes: {Reason}")]
    public partial void StorageQuotaRefused(string clientId, string blobId, long size, string reason);

    [LoggerMessage(EventId = MarketplaceEventIds.UploadLostAtDeactivation, Level = LogLevel.Warning, Message = "Upload {UploadId} was still open at deactivation ({Size} bytes received); it is lost")]
    public partial void UploadLostAtDeactivation(Guid uploadId, long size);

    [LoggerMessage(EventId = MarketplaceEventIds.ChunksCollected, Level = LogLevel.Information, Message = "Collected {Chunks} unreferenced chunks ({Bytes} bytes) last written before {WrittenBefore}")]
    public partial void ChunksCollected(int chunks, long bytes, DateTimeOffset writtenBefore);

    [LoggerMessage(EventId = MarketplaceEventIds.ChunkReferencesNotRemoved, Level = LogLevel.Warning, Message = "Blob {BlobId} was cleared but its chunk references could not be removed; its chunks stay until they are removed by hand or the blob is stored and given up again")]
    public partial void ChunkReferencesNotRemoved(Exception exception, string blobId);
}
