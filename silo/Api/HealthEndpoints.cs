using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/health</c> (liveness) and <c>/v1/health/ready</c> (readiness): public, no key.</summary>
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
            .WithSummary("200 when the silo runs and answers a grain call; 503 otherwise.")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Live() => Results.Ok(new HealthReport { Status = "alive", Checks = { ["http"] = "ok" } });

    private static async Task<IResult> ReadyAsync(IHostApplicationLifetime lifetime, IGrainFactory grains, IOptions<ApiOptions> options, CancellationToken aborted)
    {
        var report = new HealthReport();
        var ready = true;
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            report.Checks["silo"] = "stopping";
            ready = false;
        }
        else if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            report.Checks["silo"] = "starting";
            ready = false;
        }
        else
        {
            report.Checks["silo"] = "ok";
            try
            {
                var workers = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).ListAsync()
                    .WaitAsync(options.Value.ReadinessTimeout, aborted);
                report.Checks["grains"] = "ok";
                report.Checks["workers"] = workers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // A probe reports failures instead of throwing them: any of them means "not ready".
                report.Checks["grains"] = $"{failure.GetType().Name}: {failure.Message}";
                ready = false;
            }
        }

        report.Status = ready ? "ready" : "not_ready";
        return Results.Json(report, MarketplaceJson.Options, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
