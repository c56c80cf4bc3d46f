// Design: every blob endpoint reads as the API key's client (ApiClient.BlobCallerOf), and the blob grain answers a blob
// the client may not read exactly as one that is not stored, so these endpoints give the same 404 blob_not_found for
// both and never look at the request further (range, validators, chunk index) before that check. Access changes
// (share, revoke, publish, unpublish), the access list and giving a blob up (DELETE) are for the blob's owners; everyone
// else gets the same 404. A blob id the chunk store does not have for the caller may name a storage deal's blob:
// DealBlobStreaming serves it to whoever the deal lets read it, and DealBlobs.ChangeAccessAsync sends the deal
// owner's access changes to the deal.
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Storage;
using Marketplace.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/blobs</c>: streaming upload, verified download with ranges, manifest, chunk proofs, sharing,
/// publishing and giving a blob up.</summary>
internal static class BlobEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/blobs", UploadAsync)
            .WithMetadata(StreamedRequestBody.Instance)
            .WithName("UploadBlob")
            .WithSummary("Uploads a blob from the raw request body (streamed; media type from Content-Type); the caller becomes an owner.")
            .Accepts(typeof(Stream), "application/octet-stream", "*/*")
            .Produces<BlobManifest>(StatusCodes.Status201Created)
            .ProducesProblems(400, 409, 413, 429);
        api.MapMethods("/blobs/{id}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync)
            .WithName("DownloadBlob")
            .WithSummary("Streams a blob the caller may read, every chunk verified; a single Range gives 206.")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, typeof(Stream), "application/octet-stream")
            .ProducesProblems(400, 404, 416, 500);
        api.MapDelete("/blobs/{id}", DeleteAsync)
            .WithName("DeleteBlob")
            .WithSummary("Gives up the caller's ownership of a blob and releases its bytes from the caller's stored bytes; the last owner's delete removes the blob.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(400, 404);
        api.MapGet("/blobs/{id}/manifest", GetManifestAsync)
            .WithName("GetBlobManifest")
            .WithSummary("A blob's manifest: size, media type, chunk list.")
            .Produces<BlobManifest>()
            .ProducesProblems(400, 404);
        api.MapGet("/blobs/{id}/chunks/{index}/proof", GetChunkProofAsync)
            .WithName("GetChunkProof")
            .WithSummary("A Merkle inclusion proof for one chunk of a blob.")
            .Produces<ChunkProof>()
            .ProducesProblems(400, 404);
        api.MapGet("/blobs/{id}/access", GetAccessAsync)
            .WithName("GetBlobAccess")
            .WithSummary("Who may read a blob the caller owns: owner count, the clients it is shared with, public or not.")
            .Produces<BlobAccessList>()
            .ProducesProblems(400, 404);
        api.MapPost("/blobs/{id}/share", ShareAsync)
            .WithName("ShareBlob")
            .WithSummary("Lets another client read a blob the caller owns ({\"client_id\"}).")
            .AcceptsJson<BlobShareRequest>()
            .Produces<BlobAccessList>()
            .ProducesProblems(400, 404, 409, 413, 415);
        api.MapDelete("/blobs/{id}/share/{client_id}", UnshareAsync)
            .WithName("UnshareBlob")
            .WithSummary("Revokes what sharing a blob the caller owns granted a client.")
            .Produces<BlobAccessList>()
            .ProducesProblems(400, 404);
        api.MapPost("/blobs/{id}/publish", PublishAsync)
            .WithName("PublishBlob")
            .WithSummary("Makes a blob the caller owns readable by every API key.")
            .Produces<BlobAccessList>()
            .ProducesProblems(400, 404);
        api.MapDelete("/blobs/{id}/publish", UnpublishAsync)
            .WithName("UnpublishBlob")
            .WithSummary("Makes a blob the caller owns readable again only by its owners and the clients it is shared with.")
            .Produces<BlobAccessList>()
            .ProducesProblems(400, 404);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options, ILoggerFactory loggers)
    {
        var manifest = await BlobStreaming.UploadAsync(grains, ApiClient.BlobCallerOf(context), context.Request, options.Value.MaxBlobBytes, loggers.CreateLogger("Marketplace.Api.Blobs"));
        MarketplaceTelemetry.BlobUploaded(manifest.Size, MarketplaceTelemetry.BlobSourceApi);
        return Results.Created($"/v1/blobs/{manifest.Id}", manifest);
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, IGrainFactory grains, DealTransfers transfers)
    {
        var blobId = ResourceIds.RequireBlobId(id);
        var caller = ApiClient.BlobCallerOf(context);
        if (!await DealBlobStreaming.TryWriteAsync(context, grains, transfers, caller, blobId))
        {
            await BlobStreaming.WriteAsync(context, grains, caller, blobId);
        }

        return Results.Empty;
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, IGrainFactory grains)
    {
        await Blob(grains, id).DeleteAsync(ApiClient.BlobCallerOf(context));
        return Results.NoContent();
    }

    private static async Task<IResult> GetManifestAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var manifest = await Blob(grains, id).GetManifestAsync(ApiClient.BlobCallerOf(context))
            ?? throw new BlobNotFoundException($"No blob '{id}' is stored.");
        return Results.Ok(manifest);
    }

    private static async Task<IResult> GetChunkProofAsync(string id, string index, HttpContext context, IGrainFactory grains)
    {
        ResourceIds.RequireBlobId(id);
        if (!int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var chunk))
        {
            throw new InvalidRequestException($"Chunk index '{index}' is not a non-negative integer.");
        }

        return Results.Ok(await grains.GetGrain<IBlobGrain>(id).GetChunkProofAsync(ApiClient.BlobCallerOf(context), chunk));
    }

    private static async Task<IResult> GetAccessAsync(string id, HttpContext context, IGrainFactory grains) =>
        Results.Ok(await AccessAsync(context, grains, id, (b, caller) => b.GetAccessAsync(caller), (d, client) => d.GetAccessAsync(client)));

    private static async Task<IResult> ShareAsync(string id, HttpContext context, IGrainFactory grains)
    {
        ResourceIds.RequireBlobId(id);
        var request = await JsonRequestBody.ReadAsync<BlobShareRequest>(context.Request);
        var clientId = ClientIds.Require(request.ClientId, "$.client_id");
        return Results.Ok(await AccessAsync(context, grains, id, (b, caller) => b.ShareAsync(caller, clientId), (d, client) => d.ShareAsync(client, clientId)));
    }

    private static async Task<IResult> UnshareAsync(string id, string client_id, HttpContext context, IGrainFactory grains)
    {
        ResourceIds.RequireBlobId(id);
        var clientId = ClientIds.Require(client_id, "client_id");
        return Results.Ok(await AccessAsync(context, grains, id, (b, caller) => b.UnshareAsync(caller, clientId), (d, client) => d.UnshareAsync(client, clientId)));
    }

    private static async Task<IResult> PublishAsync(string id, HttpContext context, IGrainFactory grains) =>
        Results.Ok(await AccessAsync(context, grains, id, (b, caller) => b.PublishAsync(caller), (d, client) => d.SetPublicAsync(client, true)));

    private static async Task<IResult> UnpublishAsync(string id, HttpContext context, IGrainFactory grains) =>
        Results.Ok(await AccessAsync(context, grains, id, (b, caller) => b.UnpublishAsync(caller), (d, client) => d.SetPublicAsync(client, false)));

    private static Task<BlobAccessList> AccessAsync(HttpContext context, IGrainFactory grains, string id, Func<IBlobGrain, BlobCaller, Task<BlobAccessList>> onBlob, Func<IStorageDealGrain, string, Task<BlobAccessList>> onDeal) =>
        DealBlobs.ChangeAccessAsync(grains, ApiClient.BlobCallerOf(context), ResourceIds.RequireBlobId(id), onBlob, onDeal);

    private static IBlobGrain Blob(IGrainFactory grains, string id) => grains.GetGrain<IBlobGrain>(ResourceIds.RequireBlobId(id));
}
