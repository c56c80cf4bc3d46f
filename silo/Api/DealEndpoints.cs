// Design: storing a blob in the storage market is one request whose body is the blob's bytes (the policy, price and an
// optional deal id in the query), answered with the deal's status once every fragment is stored. The body streams
// through DealTransfers (encoded stripe by stripe, fragments written in pieces); a body without a Content-Length is
// first spooled to a temporary file, since placement needs the length. Reads stream the same way, stripe by stripe. A deal id given by
// the client makes the request idempotent; without one the silo makes one. Only the deal's client sees it: any other
// API key gets deal_not_found, as for a deal that does not exist.
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/deals</c>: store a blob with providers, read its status and content, audit it now.</summary>
internal static class DealEndpoints
{
    /// <summary>How long an upload may wait for its client before <see cref="StorageOptions.MinUploadBytesPerSecond"/>
    /// applies.</summary>
    private static readonly TimeSpan UploadGrace = TimeSpan.FromSeconds(5);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/deals", CreateAsync)
            .WithMetadata(StreamedRequestBody.Instance)
            .WithName("CreateDeal")
            .WithSummary("Stores the body's bytes, or with blob_id a blob the caller may read (a job's output, say), with storage providers under a durability policy (query: preset or k and m, max_price_per_gib_month, duration_days, deal_id).")
            .Produces<DealStatus>(StatusCodes.Status201Created)
            .ProducesProblems(400, 404, 409, 413);
        api.MapGet("/deals", ListAsync)
            .WithName("ListDeals")
            .WithSummary("The caller's newest deals (limit 1-100, default 20), newest first, with their state and fragment health.")
            .Produces<DealList>()
            .ProducesProblems(400);
        api.MapGet("/deals/{id}", GetAsync)
            .WithName("GetDeal")
            .WithSummary("The deal: its state, history, fragments with their providers and health, and why providers were not used.")
            .Produces<DealStatus>()
            .ProducesProblems(400, 404);
        api.MapGet("/deals/{id}/content", ReadAsync)
            .WithName("ReadDeal")
            .WithSummary("The stored blob, rebuilt from the first k fragments that verify; one byte range with Range.")
            .ProducesProblems(400, 404, 416, 503);
        api.MapDelete("/deals/{id}", DeleteAsync)
            .WithName("DeleteDeal")
            .WithSummary("Ends the deal now, as its term's end would: periods begun settled, every fragment deleted; repeatable.")
            .Produces<DealStatus>()
            .ProducesProblems(400, 404);
        api.MapPost("/deals/{id}/audit", AuditAsync)
            .WithName("AuditDeal")
            .WithSummary("Runs an audit round now (random chunks with Merkle proofs from every provider) and repairs when needed.")
            .Produces<DealStatus>()
            .ProducesProblems(400, 404);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, DealTransfers transfers, DealUploadSlots slots, IOptions<StorageOptions> options)
    {
        var clientId = ApiClient.IdOf(context);
        using var slot = slots.Take(clientId, options.Value.MaxConcurrentDealUploadsPerClient);
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        await using var body = options.Value.MinUploadBytesPerSecond > 0
            ? new MinimumRateBody(context.Request.Body, options.Value.MinUploadBytesPerSecond, UploadGrace, time, context.Abort)
            : null;
        var source = body ?? context.Request.Body;

        var query = context.Request.Query;
        var policy = PolicyOf(query);
        var maxPrice = LongOf(query, "max_price_per_gib_month", long.MaxValue);
        var days = LongOf(query, "duration_days", (long)StorageDeals.DefaultDuration.TotalDays);
        if (days < StorageDeals.MinDuration.TotalDays || days > StorageDeals.MaxDuration.TotalDays)
        {
            throw new InvalidRequestException($"duration_days: {days}; a deal lasts from {StorageDeals.MinDuration.TotalDays:0} to {StorageDeals.MaxDuration.TotalDays:0} days");
        }

        var duration = TimeSpan.FromDays(days);
        var name = query["deal_id"].ToString();
        if (name.Length > 0 && !StorageIds.IsValid(name))
        {
            throw new InvalidRequestException("deal_id: 1-64 characters of letters, digits, '-', '_' and '.'");
        }

        // A name of the client's own is its deal alone (StorageIds.DealIdFor): another client's deal of that name is
        // another deal, so the answer never tells whether one exists.
        var dealId = name.Length == 0 ? StorageIds.NewDealId() : StorageIds.DealIdFor(clientId, name);
        if (StorageIds.IsDealIdForm(name))
        {
            // An id rather than a name stores again only a deal of the caller's own (a retry): an id of no deal of its
            // own answers 404 whether no deal has it or another client's does, so nothing tells the two apart.
            await context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IStorageDealGrain>(dealId).GetStatusAsync(clientId);
        }

        // The deal grain refuses a length above MaxDealBytes; the body limit only stops reading one byte past it.
        var maxBytes = options.Value.MaxDealBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var aborted = context.RequestAborted;
        DealStatus status;
        if (query["blob_id"].ToString() is { Length: > 0 } blobId)
        {
            if (context.Request.ContentLength is not (null or 0)
                || (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true }))
            {
                throw new InvalidRequestException("blob_id: give a blob id or a body, not both");
            }

            status = await StoredBlobDeals.StoreAsync(context.RequestServices.GetRequiredService<IGrainFactory>(), transfers, clientId, ResourceIds.RequireBlobId(blobId), dealId, policy, maxPrice, duration, aborted);
        }
        else if (context.Request.ContentLength is { } declared)
        {
            status = await transfers.StoreAsync(clientId, dealId, policy, maxPrice, duration, source, declared, aborted);
        }
        else
        {
            var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await using (spool)
            {
                await CopyAtMostAsync(source, spool, maxBytes + 1, aborted);
                spool.Position = 0;
                status = await transfers.StoreAsync(clientId, dealId, policy, maxPrice, duration, spool, spool.Length, aborted);
            }
        }

        return Results.Created($"/v1/deals/{status.DealId}", status);
    }

    private static async Task CopyAtMostAsync(Stream source, Stream destination, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while (total < limit && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
        }
    }

    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains)
    {
        var client = ApiClient.IdOf(context);
        var limit = IntOf(context.Request.Query, "limit", 20);
        var ids = await grains.GetGrain<IClientDealsGrain>(client).ListAsync(limit);
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IStorageDealGrain>(id).GetStatusAsync(client)));
        return Results.Ok(new DealList { Deals = [.. statuses] });
    }

    private static async Task<IResult> GetAsync(HttpContext context, IGrainFactory grains, string id) =>
        Results.Ok(await Deal(grains, context, id).GetStatusAsync(ApiClient.IdOf(context)));

    private static async Task ReadAsync(HttpContext context, IGrainFactory grains, DealTransfers transfers, string id)
    {
        var deal = Deal(grains, context, id);
        var status = await deal.GetStatusAsync(ApiClient.IdOf(context));
        if (status.State == DealState.Ended)
        {
            throw new DealNotFoundException($"storage deal {status.DealId} ended at {status.EndsAt:O}; its fragments were deleted");
        }

        var range = ByteRange.Parse(context.Request.Headers.Range, status.Length);
        var offset = range?.Start ?? 0;
        var length = range?.Length ?? status.Length;
        context.Response.Headers.AcceptRanges = "bytes";
        context.Response.ContentType = "application/octet-stream";
        if (range is { } r)
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {r.Start}-{r.End}/{status.Length}";
        }

        // Headers go out with the first decoded bytes: a deal that cannot be read at all is still a clean problem.
        context.Response.ContentLength = length;
        await transfers.ReadAsync(status, offset, length, context.Response.Body, context.RequestAborted);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, IGrainFactory grains, string id) =>
        Results.Ok(await Deal(grains, context, id).DeleteAsync(ApiClient.IdOf(context)));

    private static async Task<IResult> AuditAsync(HttpContext context, IGrainFactory grains, string id)
    {
        var deal = Deal(grains, context, id);
        await deal.GetStatusAsync(ApiClient.IdOf(context));
        return Results.Ok(await deal.AuditAsync());
    }

    /// <summary>The deal the caller names <paramref name="id"/>: its own name for it or its id.</summary>
    private static IStorageDealGrain Deal(IGrainFactory grains, HttpContext context, string id) =>
        StorageIds.IsValid(id)
            ? grains.GetGrain<IStorageDealGrain>(StorageIds.DealIdFor(ApiClient.IdOf(context), id))
            : throw new InvalidRequestException($"id: '{id}' is not a deal id");

    private static DurabilityPolicy PolicyOf(IQueryCollection query)
    {
        var preset = query["preset"].ToString();
        if (preset.Length > 0)
        {
            if (query.ContainsKey("k") || query.ContainsKey("m"))
            {
                throw new InvalidRequestException("preset: give a preset or k and m, not both");
            }

            return DurabilityPolicy.Preset(preset) ?? throw new InvalidRequestException($"preset: '{preset}' is not one of dev, standard, archive");
        }

        if (!query.ContainsKey("k") && !query.ContainsKey("m"))
        {
            return DurabilityPolicy.Dev;
        }

        var policy = new DurabilityPolicy { DataFragments = IntOf(query, "k", -1), ParityFragments = IntOf(query, "m", -1) };
        policy.Validate();
        return policy;
    }

    /// <summary>A whole-number query parameter that must fit an int: a larger one is refused, never wrapped.</summary>
    private static int IntOf(IQueryCollection query, string name, int fallback)
    {
        var value = LongOf(query, name, fallback);
        return value <= int.MaxValue
            ? (int)value
            : throw new InvalidRequestException($"{name}: {query[name]} is out of range (at most {int.MaxValue})");
    }

    private static long LongOf(IQueryCollection query, string name, long fallback)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value <= int.MaxValue * 1024L * 1024
            ? value
            : throw new InvalidRequestException($"{name}: '{text}' is not a whole number");
    }
}
