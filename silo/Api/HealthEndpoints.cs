using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/health</c> (liveness: the process serves HTTP) and <c>/v1/health/ready</c> (readiness, see
/// <see cref="ReadinessProbe"/>): public, no key, no rate-limit token. The bodies are fixed words (<c>ok</c>,
/// <c>starting</c>, <c>stopping</c>, <c>failed</c>); why a check failed is logged, never answered.</summary>
internal static class HealthEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/health", Live)
            .WithName("Liveness")
            .WithSummary("200 while the process serves HTTP.")
            .Produces<HealthReport>();
        api.MapGet("/health/ready", ReadyAsync)
            .WithName("Readiness")
            .WithSummary("200 when the silo is Active in the cluster, its grain storage answers a read and a grain answers a call; 503 while starting, stopping or failing.")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Live() => Results.Ok(new HealthReport { Status = "alive", Checks = { ["http"] = "ok" } });

    private static async Task<IResult> ReadyAsync(ReadinessProbe probe, CancellationToken aborted)
    {
        var (ready, report) = await probe.CheckAsync(aborted);
        report.Status = ready ? "ready" : "not_ready";
        return Results.Json(report, MarketplaceJson.Options, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
