namespace Marketplace.GrainInterfaces;

/// <summary>
/// The bytes one client's blobs take and its quota (<see cref="IClientStorageGrain.GetAsync"/>, <c>GET /v1/client/storage</c>).
/// </summary>
/// <remarks>Every owner of a blob is charged its full size, once however often it uploads the same bytes: two clients
/// owning the same bytes are each charged for them. A blob stops counting when the client gives it up.</remarks>
[GenerateSerializer]
[Alias("marketplace.client-storage")]
public sealed class ClientStorage
{
    /// <summary>The client.</summary>
    [Id(0)]
    public string ClientId { get; set; } = "";

    /// <summary>Bytes of the blobs the client owns.</summary>
    [Id(1)]
    public long StoredBytes { get; set; }

    /// <summary>The most bytes the client's uploads may bring it to (the silo's
    /// <c>Marketplace:Blobs:MaxStoredBytesPerClient</c> or the client's override); 0: no limit.</summary>
    [Id(2)]
    public long MaxStoredBytes { get; set; }

    /// <summary>Number of blobs the client owns.</summary>
    [Id(3)]
    public int BlobCount { get; set; }

    /// <summary>The most blobs the client's uploads may bring it to (the silo's <c>Marketplace:Blobs:MaxBlobsPerClient</c>).</summary>
    [Id(4)]
    public int MaxBlobs { get; set; }

    /// <summary>Bytes held for the client's uploads: under way, or abandoned with their chunks not collected yet. They
    /// count against <see cref="MaxStoredBytes"/> beside <see cref="StoredBytes"/>.</summary>
    [Id(5)]
    public long UploadBytes { get; set; }
}
