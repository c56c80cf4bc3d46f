using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Workers;

/// <summary>An attempt's input and output blobs, through <see cref="BlobTransfer"/> (every input chunk verified
/// against its hash; a failed output upload aborted).</summary>
internal static class AttemptBlobs
{
    /// <summary>The whole blob (job inputs fit in memory: the runner copies them into the module's memory anyway).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(IGrainFactory grains, string blobId, CancellationToken token)
    {
        var buffer = new MemoryStream();
        await BlobTransfer.DownloadAsync(grains, blobId, buffer, 0, null, null, token).ConfigureAwait(false);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>Stores <paramref name="output"/> (not empty) as a blob and returns its id.</summary>
    public static async Task<string> StoreAsync(IGrainFactory grains, ReadOnlyMemory<byte> output, CancellationToken token)
    {
        var manifest = await BlobTransfer.StoreAsync(grains, output, "application/octet-stream", token).ConfigureAwait(false);
        return manifest.Id;
    }
}
