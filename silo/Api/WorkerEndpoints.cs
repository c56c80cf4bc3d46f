using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/workers</c> and <c>/v1/client</c>.</summary>
internal static class WorkerEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/workers", ListAsync)
            .WithName("ListWorkers")
            .WithSummary("Every known worker with capabilities, load and heartbeat.")
            .Produces<WorkerList>();
        api.MapGet("/workers/{id}", GetAsync)
            .WithName("GetWorker")
            .WithSummary("One worker.")
            .Produces<WorkerInfo>()
            .ProducesProblems(400, 404);
        api.MapGet("/client", GetClient)
            .WithName("GetClient")
            .WithSummary("The client id the presented API key belongs to.")
            .Produces<ClientIdentity>();
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains)
    {
        var workers = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).ListAsync();
        return Results.Ok(new WorkerList { Workers = workers });
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IWorkerGrain>(ResourceIds.RequireReference(id, "worker id")).GetAsync());

    private static IResult GetClient(HttpContext context) => Results.Ok(new ClientIdentity { ClientId = ApiClient.IdOf(context) });
}
