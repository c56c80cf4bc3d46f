// Design: uploads read the source stream in pieces of UploadPieceBytes (one reused buffer, so memory stays flat for
// any size) and append each to a fresh IBlobUploadGrain; a failure or cancellation aborts the upload so its chunks
// can be collected. Downloads walk the manifest's chunk list: each chunk is read with ReadChunkAsync, checked here
// against its SHA-256 from the manifest (end to end: the silo checks it too, this catches damage in between), and
// only the part inside the requested range is written.
using System.Security.Cryptography;
using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Blob operations.</content>
public sealed partial class GrainMarketplaceClient
{
    /// <summary>Bytes per append call: 1 MiB (at most <see cref="BlobLimits.MaxAppendBytes"/>).</summary>
    internal const int UploadPieceBytes = 1024 * 1024;

    /// <inheritdoc />
    public async Task<BlobManifest> UploadBlobAsync(Stream content, string? mediaType = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The content stream is not readable.", nameof(content));
        }

        var upload = _grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        var buffer = new byte[UploadPieceBytes];
        long sent = 0;
        var completed = false;
        try
        {
            while (true)
            {
                var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                var piece = read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray();
                await upload.AppendAsync(piece).WaitAsync(cancellationToken).ConfigureAwait(false);
                sent += read;
                progress?.Report(sent);
                if (read < buffer.Length)
                {
                    break;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            var manifest = await upload.CompleteAsync(mediaType).ConfigureAwait(false);
            completed = true;
            return manifest;
        }
        finally
        {
            if (!completed && sent > 0)
            {
                await AbortQuietlyAsync(upload).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<BlobManifest> GetBlobManifestAsync(string blobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var manifest = await Blob(blobId).GetManifestAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return manifest ?? throw new BlobNotFoundException($"No blob {blobId} is stored.");
    }

    /// <inheritdoc />
    public async Task DownloadBlobAsync(string blobId, Stream destination, long offset = 0, long? length = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var manifest = await GetBlobManifestAsync(blobId, cancellationToken).ConfigureAwait(false);
        if (offset < 0 || offset > manifest.Size)
        {
            throw new InvalidRequestException($"offset: {offset} is outside 0..{manifest.Size} (the blob's size).");
        }

        if (length is < 0)
        {
            throw new InvalidRequestException($"length: {length} is negative.");
        }

        var end = length is { } l ? Math.Min(manifest.Size, offset + l) : manifest.Size;
        CheckChunkList(manifest);
        var grain = Blob(blobId);
        long written = 0;
        for (var index = 0; index < manifest.Chunks.Count && offset + written < end; index++)
        {
            var chunk = manifest.Chunks[index];
            var chunkEnd = chunk.Offset + chunk.Size;
            if (chunkEnd <= offset)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var bytes = await grain.ReadChunkAsync(index).WaitAsync(cancellationToken).ConfigureAwait(false);
            Verify(manifest, index, chunk, bytes);
            var from = (int)Math.Max(0, offset + written - chunk.Offset);
            var to = (int)(Math.Min(chunkEnd, end) - chunk.Offset);
            await destination.WriteAsync(bytes.AsMemory(from, to - from), cancellationToken).ConfigureAwait(false);
            written += to - from;
            progress?.Report(written);
        }

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ChunkProof> GetChunkProofAsync(string blobId, int index, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Blob(blobId).GetChunkProofAsync(index).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when <paramref name="id"/> has the blob id shape: <c>blob</c> + 64 lowercase hex.</summary>
    internal static bool IsBlobId(string? id)
    {
        if (id is null || id.Length != 68 || !id.StartsWith("blob", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(4))
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private IBlobGrain Blob(string blobId)
    {
        if (!IsBlobId(blobId))
        {
            throw new InvalidRequestException($"blob id: '{blobId}' is not a blob id (blob + 64 lowercase hex).");
        }

        return _grains.GetGrain<IBlobGrain>(blobId);
    }

    private static void CheckChunkList(BlobManifest manifest)
    {
        long next = 0;
        foreach (var chunk in manifest.Chunks)
        {
            if (chunk.Offset != next || chunk.Size <= 0)
            {
                throw new BlobIntegrityException($"Blob {manifest.Id}: the manifest's chunk list is not contiguous at offset {next}.");
            }

            next += chunk.Size;
        }

        if (next != manifest.Size)
        {
            throw new BlobIntegrityException($"Blob {manifest.Id}: the chunks add up to {next} bytes, the manifest says {manifest.Size}.");
        }
    }

    private static void Verify(BlobManifest manifest, int index, ChunkRef chunk, byte[] bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        if (bytes.Length != chunk.Size || !Convert.ToHexStringLower(hash).Equals(chunk.Hash, StringComparison.Ordinal))
        {
            throw new BlobIntegrityException($"Blob {manifest.Id}: chunk {index} ({chunk.Hash}) arrived with different bytes.");
        }
    }

    private static async Task AbortQuietlyAsync(IBlobUploadGrain upload)
    {
        try
        {
            await upload.AbortAsync().ConfigureAwait(false);
        }
        catch (MarketplaceException)
        {
            // Already completed or aborted: nothing left to release.
        }
        catch (Runtime.GrainRuntimeException)
        {
            // The connection is gone: the abandoned upload stays with the silo. The original error propagates.
        }
    }
}
