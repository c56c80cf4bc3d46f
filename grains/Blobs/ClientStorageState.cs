namespace Marketplace.Grains.Blobs;

/// <summary>
/// The persisted state of a <see cref="ClientStorageGrain"/>: the ledger of the blobs charged to the client.
/// </summary>
/// <remarks>One entry per owned blob (about 90 bytes stored), bounded for uploads by
/// <see cref="BlobOptions.MaxBlobsPerClient"/>; the byte total is derived from it on activation. Beside them, the
/// holds of the client's uploads whose chunks may still be on disk.</remarks>
[GenerateSerializer]
[Alias("marketplace.client-storage-state")]
internal sealed class ClientStorageState
{
    /// <summary>Blob id → the bytes charged for it.</summary>
    [Id(0)]
    public Dictionary<string, long> Blobs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Upload hold id → the record of its hold (see <see cref="ClientStorageHold"/>).</summary>
    [Id(1)]
    public Dictionary<Guid, ClientStorageHold> Holds { get; set; } = [];
}
