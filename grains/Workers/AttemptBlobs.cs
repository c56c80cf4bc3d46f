using Marketplace.GrainInterfaces;
using Marketplace.Runtime;

namespace Marketplace.Grains.Workers;

/// <summary>Reads an attempt's input blob and stores its output as a blob, through the blob grains.</summary>
internal static class AttemptBlobs
{
    /// <summary>The whole blob (job inputs fit in memory: the runner copies them into the module's memory anyway).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(IGrainFactory grains, string blobId, CancellationToken token)
    {
        var blob = grains.GetGrain<IBlobGrain>(blobId);
        var manifest = await blob.GetManifestAsync().ConfigureAwait(false)
            ?? throw new BlobNotFoundException($"input blob {blobId} does not exist");
        if (manifest.Size > int.MaxValue)
        {
            throw new BlobIntegrityException($"input blob {blobId} is larger than 2 GiB");
        }

        var buffer = new byte[manifest.Size];
        var offset = 0;
        while (offset < buffer.Length)
        {
            token.ThrowIfCancellationRequested();
            var piece = await blob.ReadRangeAsync(offset, Math.Min(BlobLimits.MaxReadBytes, buffer.Length - offset)).ConfigureAwait(false);
            if (piece.Length == 0)
            {
                throw new BlobIntegrityException($"input blob {blobId} ended at byte {offset} of {buffer.Length}");
            }

            piece.CopyTo(buffer, offset);
            offset += piece.Length;
        }

        return buffer;
    }

    /// <summary>Stores <paramref name="output"/> (not empty) as a blob and returns its id.</summary>
    public static async Task<string> StoreAsync(IGrainFactory grains, ReadOnlyMemory<byte> output, CancellationToken token)
    {
        var upload = grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        for (var offset = 0; offset < output.Length; offset += BlobLimits.MaxAppendBytes)
        {
            token.ThrowIfCancellationRequested();
            await upload.AppendAsync(output.Slice(offset, Math.Min(BlobLimits.MaxAppendBytes, output.Length - offset)).ToArray()).ConfigureAwait(false);
        }

        var manifest = await upload.CompleteAsync("application/octet-stream").ConfigureAwait(false);
        return manifest.Id;
    }
}
