using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/workers</c>, <c>/v1/client</c> and <c>/v1/client/storage</c>.</summary>
internal static class WorkerEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/workers", ListAsync)
            .WithName("ListWorkers")
            .WithSummary("A page of the known workers with capabilities, load and heartbeat, by id (?limit=100&cursor=...).")
            .Produces<WorkerList>()
            .ProducesProblems(400);
        api.MapGet("/workers/registry", GetRegistryAsync)
            .WithName("GetWorkerKeyRegistry")
            .WithSummary("The worker key registry: its epoch and every registered worker's BLS public key and proof of possession (hex), by worker id; what a verifier checks an aggregated receipt's members against.")
            .Produces<WorkerKeyRegistry>();
        api.MapGet("/workers/{id}", GetAsync)
            .WithName("GetWorker")
            .WithSummary("One worker.")
            .Produces<WorkerInfo>()
            .ProducesProblems(400, 404);
        api.MapGet("/workers/{id}/reputation", GetReputationAsync)
            .WithName("GetWorkerReputation")
            .WithSummary("A worker's reputation: score, counts by kind, latencies, ban, and the parameters and checkpoint the score is computed from.")
            .Produces<WorkerReputation>()
            .ProducesProblems(400, 404);
        api.MapGet("/workers/{id}/reputation/events", ListReputationEventsAsync)
            .WithName("ListWorkerReputationEvents")
            .WithSummary("A page of a worker's kept reputation events, oldest first (?limit=100&cursor=...).")
            .Produces<ReputationEventList>()
            .ProducesProblems(400, 404);
        api.MapGet("/client", GetClient)
            .WithName("GetClient")
            .WithSummary("The client id the presented API key belongs to.")
            .Produces<ClientIdentity>();
        api.MapGet("/client/storage", GetStorageAsync)
            .WithName("GetClientStorage")
            .WithSummary("The bytes and number of the blobs the caller owns, and its quota (max_stored_bytes 0: none).")
            .Produces<ClientStorage>();
    }

    private static async Task<IResult> ListAsync(string? limit, string? cursor, IGrainFactory grains)
    {
        var count = PageLimits.Parse(limit);
        var page = await Listings.WorkersAsync(grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey), ResourceIds.Cursor(cursor), count);
        return Results.Ok(new WorkerList { Workers = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IWorkerGrain>(ResourceIds.RequireReference(id, "worker id")).GetAsync());

    private static async Task<IResult> GetRegistryAsync(IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).GetKeyRegistryAsync());

    private static async Task<IResult> GetReputationAsync(string id, IGrainFactory grains)
    {
        var worker = await RegisteredAsync(id, grains);
        return Results.Ok(await grains.GetGrain<IReputationGrain>(worker).GetAsync());
    }

    private static async Task<IResult> ListReputationEventsAsync(string id, string? limit, string? cursor, IGrainFactory grains)
    {
        var count = PageLimits.Parse(limit);
        var worker = await RegisteredAsync(id, grains);
        var page = await Listings.ReputationEventsAsync(grains.GetGrain<IReputationGrain>(worker), worker, ResourceIds.Cursor(cursor), count);
        return Results.Ok(new ReputationEventList { Events = page.Items, NextCursor = page.NextCursor });
    }

    /// <summary>The worker id of a registered worker (<c>worker_not_found</c> otherwise).</summary>
    private static async Task<string> RegisteredAsync(string id, IGrainFactory grains)
    {
        var worker = ResourceIds.RequireReference(id, "worker id");
        await grains.GetGrain<IWorkerGrain>(worker).GetAsync();
        return worker;
    }

    private static IResult GetClient(HttpContext context) => Results.Ok(new ClientIdentity { ClientId = ApiClient.IdOf(context) });

    private static async Task<IResult> GetStorageAsync(HttpContext context, IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IClientStorageGrain>(ApiClient.IdOf(context)).GetAsync());
}
