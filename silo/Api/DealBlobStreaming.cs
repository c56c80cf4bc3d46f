// Design: a blob stored as a storage deal is readable through the blob API too. Each deal records the blob id of its
// bytes (the Merkle root of their blob-layer chunks, what POST /v1/blobs would have named them), and the client's deal
// list indexes deals by blob id. A GET or HEAD of /v1/blobs/{id} that finds no chunk-store blob the caller may read
// looks there: a deal storing that blob which the caller may read (its own, or one its owner shared with the caller or
// published, see DealBlobs) is streamed, stripe by stripe, with the blob API's validators and ranges. For anyone else
// the answer stays 404 blob_not_found.
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Storage;

namespace Marketplace.Silo.Api;

/// <summary>Serves a blob id from a storage deal the caller may read when the chunk store has no such blob for it.</summary>
internal static class DealBlobStreaming
{
    /// <summary>Writes the response and returns true when <paramref name="blobId"/> is a deal's blob the caller may read and
    /// not a chunk-store blob the caller may read; false (nothing written) otherwise.</summary>
    public static async Task<bool> TryWriteAsync(HttpContext context, IGrainFactory grains, DealTransfers transfers, BlobCaller caller, string blobId)
    {
        if (caller.ClientId is not { } client || await grains.GetGrain<IBlobGrain>(blobId).GetManifestAsync(caller) is not null)
        {
            return false;
        }

        if (await DealBlobs.FindReadableAsync(grains, client, blobId) is not { } status)
        {
            return false;
        }

        var request = context.Request;
        var response = context.Response;
        var etag = $"\"{blobId}\"";
        if (request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch
            && (ifNoneMatch.Trim() == "*" || ifNoneMatch.Contains(etag, StringComparison.Ordinal)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.Headers.ETag = etag;
            return true;
        }

        var rangeHeader = request.Headers.Range.ToString();
        if (request.Headers.IfRange.ToString() is { Length: > 0 } ifRange && ifRange.Trim() != etag)
        {
            rangeHeader = "";
        }

        var range = ByteRange.Parse(rangeHeader, status.Length);
        var start = range?.Start ?? 0;
        var length = range?.Length ?? status.Length;
        response.StatusCode = range is null ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent;
        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "private, max-age=31536000, immutable";
        if (range is { } r)
        {
            response.Headers.ContentRange = $"bytes {r.Start}-{r.End}/{status.Length}";
        }

        if (!HttpMethods.IsHead(request.Method))
        {
            await transfers.ReadAsync(status, start, length, response.Body, context.RequestAborted);
        }

        return true;
    }
}
