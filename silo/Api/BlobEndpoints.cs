using Marketplace.GrainInterfaces;
using Marketplace.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/blobs</c>: streaming upload, verified download with ranges, manifest, chunk proofs.</summary>
internal static class BlobEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/blobs", UploadAsync)
            .WithName("UploadBlob")
            .WithSummary("Uploads a blob from the raw request body (streamed; media type from Content-Type).")
            .Accepts(typeof(Stream), "application/octet-stream", "*/*")
            .Produces<BlobManifest>(StatusCodes.Status201Created)
            .ProducesProblems(400, 413);
        api.MapMethods("/blobs/{id}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync)
            .WithName("DownloadBlob")
            .WithSummary("Streams a blob, every chunk verified; a single Range gives 206.")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, typeof(Stream), "application/octet-stream")
            .ProducesProblems(400, 404, 416, 500);
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
    }

    private static async Task<IResult> UploadAsync(HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options, ILoggerFactory loggers)
    {
        var manifest = await BlobStreaming.UploadAsync(grains, context.Request, options.Value.MaxBlobBytes, loggers.CreateLogger("Marketplace.Api.Blobs"));
        MarketplaceTelemetry.BlobUploaded(manifest.Size, MarketplaceTelemetry.BlobSourceApi);
        return Results.Created($"/v1/blobs/{manifest.Id}", manifest);
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, IGrainFactory grains)
    {
        await BlobStreaming.WriteAsync(context, grains, ResourceIds.RequireBlobId(id));
        return Results.Empty;
    }

    private static async Task<IResult> GetManifestAsync(string id, IGrainFactory grains)
    {
        var manifest = await grains.GetGrain<IBlobGrain>(ResourceIds.RequireBlobId(id)).GetManifestAsync()
            ?? throw new BlobNotFoundException($"No blob '{id}' is stored.");
        return Results.Ok(manifest);
    }

    private static async Task<IResult> GetChunkProofAsync(string id, string index, IGrainFactory grains)
    {
        ResourceIds.RequireBlobId(id);
        if (!int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var chunk))
        {
            throw new InvalidRequestException($"Chunk index '{index}' is not a non-negative integer.");
        }

        return Results.Ok(await grains.GetGrain<IBlobGrain>(id).GetChunkProofAsync(chunk));
    }
}
