using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Streams blobs to and from the grains: the one implementation behind the silo's HTTP API and the sdk's grain client
/// (an <c>IClusterClient</c> is an <see cref="IGrainFactory"/>).
/// </summary>
/// <remarks>
/// Uploads read the source in pieces of <see cref="PieceBytes"/> (1 MiB, within <see cref="BlobLimits.MaxAppendBytes"/>)
/// and send each with <see cref="IBlobUploadGrain.AppendAtAsync"/> before reading the next, so the whole path holds at
/// most one piece here plus the upload grain's partial chunk. Downloads fetch chunk by chunk (one ahead) and check each against
/// the manifest, which is itself checked against the requested id (<see cref="BlobMerkle.VerifyManifest"/>): what reaches
/// the destination is verified end to end, not only on the silo.
/// </remarks>
public static class BlobTransfer
{
    /// <summary>Bytes sent per <see cref="IBlobUploadGrain.AppendAtAsync"/> call: 1 MiB.</summary>
    public const int PieceBytes = 1 << 20;

    /// <summary>
    /// Uploads <paramref name="content"/> (read to its end) as a new blob owned by <paramref name="owner"/>'s client
    /// and returns its manifest. On any failure or cancellation the upload grain is aborted and the error rethrown:
    /// <see cref="BlobEmptyException"/>, <see cref="BlobTooLargeException"/>, <see cref="BlobStoreException"/>,
    /// <see cref="BlobAccessListFullException"/>, <see cref="QuotaExceededException"/> (the client's stored bytes would
    /// pass its quota: checked before the first piece for a seekable source, as soon as the size passes the client's room
    /// otherwise, and when the blob registers the owner), <see cref="OperationCanceledException"/>, or the stream's own
    /// exception.
    /// </summary>
    /// <param name="grains">The silo's or a client's grain factory.</param>
    /// <param name="owner">Who uploads (see <see cref="IBlobUploadGrain.CompleteAsync"/>).</param>
    /// <param name="content">The bytes; read sequentially, need not be seekable.</param>
    /// <param name="mediaType">The media type to record (null: <c>application/octet-stream</c>).</param>
    /// <param name="progress">Receives the number of bytes sent so far after each piece.</param>
    /// <param name="ct">Cancels between pieces and during reads of <paramref name="content"/>.</param>
    public static async Task<BlobManifest> UploadAsync(IGrainFactory grains, BlobCaller owner, Stream content, string? mediaType, IProgress<long>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The upload stream is not readable.", nameof(content));
        }

        ct.ThrowIfCancellationRequested();
        if (content.CanSeek && content.Length - content.Position is > 0 and <= PieceBytes and var whole)
        {
            // Known to fit in one piece: read it whole and store it in one call.
            var bytes = new byte[whole];
            await content.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            var stored = await StoreAsync(grains, owner, bytes, mediaType, ct).ConfigureAwait(false);
            progress?.Report(bytes.Length);
            return stored;
        }

        // The early quota check: a seekable source is checked for its whole length before a byte is sent, any other
        // once it passes the room the client has (the blob grain's charge at the end is the authoritative check).
        var storage = owner.ClientId is { } client && !owner.JobOutput ? grains.GetGrain<IClientStorageGrain>(client) : null;
        var room = storage is null ? long.MaxValue : await storage.CheckUploadAsync(content.CanSeek ? content.Length - content.Position : 0).ConfigureAwait(false);
        var uploadId = Guid.NewGuid();
        var upload = grains.GetGrain<IBlobUploadGrain>(uploadId);
        await upload.BeginAsync(owner).ConfigureAwait(false);
        // A piece of at most 1 MiB; a seekable stream that holds less (a job's small output) gets a buffer its size,
        // not a large-object-heap allocation per upload.
        var remaining = content.CanSeek ? content.Length - content.Position : PieceBytes;
        var buffer = new byte[(int)Math.Clamp(remaining, 1, PieceBytes)];
        long sent = 0;
        try
        {
            while (true)
            {
                var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (sent + read > room)
                {
                    room = await storage!.CheckUploadAsync(sent + read).ConfigureAwait(false);
                }

                // The buffer is reused only after the call returned: the grain is done with it (and a remote call
                // has serialized it) by then.
                await upload.AppendAtAsync(sent, read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray()).ConfigureAwait(false);
                sent += read;
                progress?.Report(sent);
                if (read < buffer.Length)
                {
                    break;
                }
            }

            ct.ThrowIfCancellationRequested();
            BlobManifest manifest;
            try
            {
                manifest = await upload.CompleteAsync(mediaType, owner).ConfigureAwait(false);
            }
            catch (BlobEmptyException) when (sent > 0)
            {
                throw new BlobStoreException($"Upload {uploadId} lost its state before completion ({sent} bytes were sent; the silo restarted or the upload sat idle too long). Upload again.");
            }

            if (manifest.Size != sent)
            {
                throw new BlobStoreException($"Upload {uploadId} registered {manifest.Size} bytes but {sent} were sent. Upload again.");
            }

            return manifest;
        }
        catch
        {
            await AbortAfterFailureAsync(upload).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stores <paramref name="content"/>, held whole in memory, as a blob owned by <paramref name="owner"/>'s client
    /// and returns its manifest: up to
    /// <see cref="BlobLimits.MaxAppendBytes"/> in one call to <see cref="IBlobWriterGrain"/> on the caller's silo,
    /// more through an upload. Errors as <see cref="UploadAsync"/>.
    /// </summary>
    /// <param name="grains">The silo's or a client's grain factory.</param>
    /// <param name="owner">Who stores it (see <see cref="IBlobWriterGrain.StoreAsync"/>).</param>
    /// <param name="content">The bytes; the caller does not change them until the call returns.</param>
    /// <param name="mediaType">The media type to record (null: <c>application/octet-stream</c>).</param>
    /// <param name="ct">Cancels before the bytes are sent.</param>
    public static async Task<BlobManifest> StoreAsync(IGrainFactory grains, BlobCaller owner, ReadOnlyMemory<byte> content, string? mediaType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(owner);
        ct.ThrowIfCancellationRequested();
        if (content.Length > BlobLimits.MaxAppendBytes)
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            return await UploadAsync(grains, owner, stream, mediaType, null, ct).ConfigureAwait(false);
        }

        var bytes = MemoryMarshal.TryGetArray(content, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : content.ToArray();
        var manifest = await grains.GetGrain<IBlobWriterGrain>(IBlobWriterGrain.LocalKey).StoreAsync(bytes, mediaType, owner).ConfigureAwait(false);
        if (manifest.Size != bytes.Length)
        {
            throw new BlobStoreException($"Blob {manifest.Id} was registered with {manifest.Size} bytes but {bytes.Length} were sent. Store it again.");
        }

        return manifest;
    }

    /// <summary>
    /// Writes blob <paramref name="blobId"/> (or its range [<paramref name="offset"/>, +<paramref name="length"/>),
    /// clamped to the blob's end) to <paramref name="destination"/>, one verified chunk at a time, as
    /// <paramref name="caller"/> (a blob the caller may not read is <see cref="BlobNotFoundException"/>).
    /// </summary>
    /// <param name="grains">The silo's or a client's grain factory.</param>
    /// <param name="caller">Who reads.</param>
    /// <param name="blobId">The blob id; upper-case hex is accepted (see <see cref="BlobIds.TryNormalize"/>).</param>
    /// <param name="destination">Receives the bytes in order.</param>
    /// <param name="offset">First byte, 0 to the blob's size.</param>
    /// <param name="length">Number of bytes (null: to the end); reads past the end stop at the end.</param>
    /// <param name="progress">Receives the number of bytes written so far after each chunk.</param>
    /// <param name="ct">Cancels between chunks and during writes.</param>
    /// <exception cref="InvalidRequestException">A malformed id, or a negative or past-the-end offset or length.</exception>
    /// <exception cref="BlobNotFoundException">No such blob, or the caller may not read it.</exception>
    /// <exception cref="BlobIntegrityException">A chunk on the silo's disk (or on the way) does not match its hash.</exception>
    public static async Task DownloadAsync(IGrainFactory grains, BlobCaller caller, string blobId, Stream destination, long offset, long? length, IProgress<long>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(destination);
        if (!BlobIds.TryNormalize(blobId, out var id))
        {
            throw new InvalidRequestException($"blobId '{blobId}' is not a blob id: expected 'blob' followed by 64 hex digits.");
        }

        if (offset < 0)
        {
            throw new InvalidRequestException($"offset {offset} is negative.");
        }

        if (length < 0)
        {
            throw new InvalidRequestException($"length {length} is negative.");
        }

        ct.ThrowIfCancellationRequested();
        var blob = grains.GetGrain<IBlobGrain>(id);
        var manifest = await blob.GetManifestAsync(caller).ConfigureAwait(false)
            ?? throw new BlobNotFoundException($"Blob {id} is not stored.");
        if (!string.Equals(manifest.Id, id, StringComparison.Ordinal) || !BlobMerkle.VerifyManifest(manifest))
        {
            throw new BlobIntegrityException($"The manifest returned for blob {id} does not hash to that id.");
        }

        if (offset > manifest.Size)
        {
            throw new InvalidRequestException($"offset {offset} is past the end of blob {id} ({manifest.Size} bytes).");
        }

        var end = length is { } l && l < manifest.Size - offset ? offset + l : manifest.Size;
        var chunks = manifest.Chunks;
        var index = ChunkIndexAt(chunks, offset);
        var last = end > offset ? ChunkIndexAt(chunks, end - 1) : index - 1;
        var position = offset;
        long written = 0;

        // One chunk is fetched ahead while the current one is checked and written: at most two chunks in hand.
        Task<byte[]>? next = index <= last ? blob.ReadChunkAsync(caller, index) : null;
        try
        {
            while (next is not null)
            {
                var bytes = await next.ConfigureAwait(false);
                next = null;
                ct.ThrowIfCancellationRequested();
                if (index < last)
                {
                    next = blob.ReadChunkAsync(caller, index + 1);
                }

                var chunk = chunks[index];
                CheckArrivedChunk(id, index, chunk, bytes);
                var from = (int)(position - chunk.Offset);
                var take = (int)Math.Min(chunk.Size - from, end - position);
                await destination.WriteAsync(bytes.AsMemory(from, take), ct).ConfigureAwait(false);
                position += take;
                written += take;
                progress?.Report(written);
                index++;
            }
        }
        finally
        {
            // Leaving early (damage, cancellation, a failing destination): the prefetch's outcome no longer matters,
            // but is observed so a fault does not surface as an unobserved task exception.
            next?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>The index of the chunk holding byte <paramref name="offset"/> (the chunk count at the blob's end).</summary>
    internal static int ChunkIndexAt(IReadOnlyList<ChunkRef> chunks, long offset)
    {
        int lo = 0, hi = chunks.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var chunk = chunks[mid];
            if (offset < chunk.Offset)
            {
                hi = mid - 1;
            }
            else if (offset >= chunk.Offset + chunk.Size)
            {
                lo = mid + 1;
            }
            else
            {
                return mid;
            }
        }

        return lo;
    }

    private static void CheckArrivedChunk(string blobId, int index, ChunkRef chunk, byte[] bytes)
    {
        Span<byte> actual = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[32];
        SHA256.HashData(bytes, actual);
        Convert.FromHexString(chunk.Hash, expected, out _, out _);
        if (bytes.Length != chunk.Size || !actual.SequenceEqual(expected))
        {
            throw new BlobIntegrityException(
                $"Blob {blobId} chunk {index} arrived damaged: expected sha256 {chunk.Hash} ({chunk.Size} bytes), actual {Convert.ToHexStringLower(actual)} ({bytes.Length} bytes).");
        }
    }

    private static async Task AbortAfterFailureAsync(IBlobUploadGrain upload)
    {
        try
        {
            await upload.AbortAsync().ConfigureAwait(false);
        }
        catch (OrleansException)
        {
            // The silo is unreachable: the upload grain aborts itself after its idle timeout. The caller sees the
            // original failure, which is rethrown.
        }
        catch (TimeoutException)
        {
            // As above: the abort timed out; the idle timeout still reclaims the upload.
        }
    }
}
