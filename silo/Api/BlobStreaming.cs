// Design: blob bytes never sit whole in memory on their way through the API.
// Upload: the request body is read in 1 MiB pieces, each appended to a fresh IBlobUploadGrain, which cuts chunks and
// writes them to the chunk store; the size limit is counted here (Kestrel's own body limit is lifted for this request)
// so an oversized upload stops at the limit whether or not it declared a Content-Length. The client's storage quota is
// checked the same way: a declared length before the body is read, a counted one as soon as it passes the client's room.
// Download: pieces of up to BlobLimits.MaxReadBytes are read through IBlobGrain.ReadRangeAsync (which verifies every
// chunk it touches), cut at chunk boundaries so no chunk is read twice, and the next piece is read while the current
// one is written. The first piece is read before any header is sent, so a damaged first chunk is a clean problem
// response; a damaged later chunk aborts the connection (ProblemMiddleware) so a truncated body never looks complete.
using Marketplace.GrainInterfaces;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Silo.Api;

/// <summary>Streams blob uploads into grains and blob reads (with ranges) out to HTTP responses.</summary>
internal static class BlobStreaming
{
    private const int MaxMediaTypeLength = 255;

    /// <summary>Bytes per upload append call.</summary>
    public const int UploadPieceBytes = 1024 * 1024;

    public static async Task<BlobManifest> UploadAsync(IGrainFactory grains, BlobCaller owner, HttpRequest request, long maxBytes, ILogger logger)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        string? mediaType = null;
        if (!string.IsNullOrWhiteSpace(request.ContentType))
        {
            if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) || parsed.MediaType.Value is null || !parsed.MediaType.Value.Contains('/'))
            {
                throw new InvalidRequestException($"Content-Type '{request.ContentType}' is not a media type.");
            }

            mediaType = parsed.ToString();
            // The upload grain's own rule (printable ASCII, at most 255 characters), checked here so the answer
            // names the header rather than the grain's parameter.
            if (mediaType.Length > MaxMediaTypeLength || mediaType.Any(c => c < ' ' || c >= 0x7f))
            {
                throw new InvalidRequestException(
                    $"Content-Type: a media type is at most {MaxMediaTypeLength} characters of printable ASCII.");
            }
        }

        if (request.ContentLength == 0)
        {
            throw new BlobEmptyException("The upload body is empty; empty blobs are not stored.");
        }

        // The early quota check: a declared length before a byte is read, otherwise once the count passes the room
        // the client has; the blob grain's charge at the end is the authoritative check.
        var storage = owner.ClientId is { } client ? grains.GetGrain<IClientStorageGrain>(client) : null;
        var room = storage is null ? long.MaxValue : await storage.CheckUploadAsync(request.ContentLength ?? 0);
        var upload = grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(owner);
        var buffer = new byte[UploadPieceBytes];
        long total = 0;
        var started = false;
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, request.HttpContext.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                if (total > room)
                {
                    room = await storage!.CheckUploadAsync(total);
                }

                started = true;
                await upload.AppendAsync(buffer.AsSpan(0, read).ToArray());
                if (read < buffer.Length)
                {
                    break;
                }
            }

            if (total == 0)
            {
                throw new BlobEmptyException("The upload body is empty; empty blobs are not stored.");
            }

            return await upload.CompleteAsync(mediaType, owner);
        }
        catch (Exception) when (started)
        {
            await AbortAsync(upload, logger);
            throw;
        }
    }

    /// <summary>Answers a GET or HEAD for a stored blob <paramref name="caller"/> may read: 200 with the whole blob,
    /// 206 for a <c>Range</c>, 304 for a matching <c>If-None-Match</c>; 404 <c>blob_not_found</c> for a blob that is
    /// not stored or not readable by the caller, before any header (range or validator) is looked at.</summary>
    public static async Task WriteAsync(HttpContext context, IGrainFactory grains, BlobCaller caller, string blobId)
    {
        var blob = grains.GetGrain<IBlobGrain>(blobId);
        var manifest = await blob.GetManifestAsync(caller) ?? throw new BlobNotFoundException($"No blob '{blobId}' is stored.");
        var request = context.Request;
        var response = context.Response;
        var etag = $"\"{manifest.Id}\"";
        if (request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch
            && (ifNoneMatch.Trim() == "*" || ifNoneMatch.Contains(etag, StringComparison.Ordinal)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.Headers.ETag = etag;
            return;
        }

        // If-Range with another validator: serve the whole blob (RFC 9110 §13.1.5).
        var rangeHeader = request.Headers.Range.ToString();
        if (request.Headers.IfRange.ToString() is { Length: > 0 } ifRange && ifRange.Trim() != etag)
        {
            rangeHeader = "";
        }

        var range = ByteRange.Parse(rangeHeader, manifest.Size);
        var start = range?.Start ?? 0;
        var end = range?.End ?? manifest.Size - 1;
        var head = HttpMethods.IsHead(request.Method);
        var aborted = context.RequestAborted;

        var current = head ? [] : await ReadPieceAsync(blob, caller, manifest, start, end);
        response.StatusCode = range is null ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent;
        response.ContentType = manifest.MediaType;
        response.ContentLength = end - start + 1;
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "private, max-age=31536000, immutable";
        if (range is not null)
        {
            response.Headers.ContentRange = $"bytes {start}-{end}/{manifest.Size}";
        }

        if (head)
        {
            return;
        }

        var offset = start;
        while (true)
        {
            offset += current.Length;
            var next = offset <= end ? ReadPieceAsync(blob, caller, manifest, offset, end) : null;
            try
            {
                await response.Body.WriteAsync(current, aborted);
            }
            catch (Exception) when (next is not null)
            {
                // The client is gone; let the read in flight finish unobserved-safe.
                _ = next.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }

            if (next is null)
            {
                return;
            }

            current = await next;
        }
    }

    private static async Task<byte[]> ReadPieceAsync(IBlobGrain blob, BlobCaller caller, BlobManifest manifest, long offset, long end)
    {
        var length = (int)(PieceEnd(manifest.Chunks, offset, end) - offset);
        var bytes = await blob.ReadRangeAsync(caller, offset, length);
        if (bytes.Length != length)
        {
            throw new BlobIntegrityException($"Blob '{manifest.Id}' returned {bytes.Length} bytes at offset {offset} where {length} were expected.");
        }

        return bytes;
    }

    // The exclusive end of the next piece: as far as BlobLimits.MaxReadBytes allows, cut at the last chunk boundary
    // within that reach (unless the range ends sooner).
    internal static long PieceEnd(List<ChunkRef> chunks, long offset, long end)
    {
        var reach = Math.Min(end + 1, offset + BlobLimits.MaxReadBytes);
        if (reach == end + 1)
        {
            return reach;
        }

        // The last chunk whose end lies in (offset, reach].
        int lo = 0, hi = chunks.Count - 1, best = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var chunkEnd = chunks[mid].Offset + chunks[mid].Size;
            if (chunkEnd <= reach)
            {
                best = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (best >= 0)
        {
            var boundary = chunks[best].Offset + chunks[best].Size;
            if (boundary > offset)
            {
                return boundary;
            }
        }

        return reach;
    }

    private static ApiProblemException TooLarge(long maxBytes) =>
        new(ProblemCodes.PayloadTooLarge, $"The upload is larger than the blob size limit of {maxBytes} bytes.");

    private static async Task AbortAsync(IBlobUploadGrain upload, ILogger logger)
    {
        try
        {
            await upload.AbortAsync();
        }
        catch (Exception failure) when (failure is MarketplaceException or OrleansException or TimeoutException)
        {
            ApiLog.UploadAbortFailed(logger, failure);
        }
    }
}
