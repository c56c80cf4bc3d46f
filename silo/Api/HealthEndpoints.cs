using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/health</c> (liveness) and <c>/v1/health/ready</c> (readiness): public, no key. The bodies are
/// fixed words (<c>ok</c>, <c>starting</c>, <c>stopping</c>, <c>failed</c>); why a check failed is logged, never
/// answered.</summary>
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

    private static async Task<IResult> ReadyAsync(IHostApplicationLifetime lifetime, IGrainFactory grains, IOptions<ApiOptions> options, ILoggerFactory loggers, CancellationToken aborted)
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
                var workers = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).CountAsync()
                    .WaitAsync(options.Value.ReadinessTimeout, aborted);
                report.Checks["grains"] = "ok";
                report.Checks["workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // A probe reports failures instead of throwing them: any of them means "not ready". The probe is
                // public, so the reason goes to the log and the body says only which check failed.
                ApiLog.ReadinessCheckFailed(loggers.CreateLogger("Marketplace.Api.Health"), failure, failure.GetType().Name, failure.Message);
                report.Checks["grains"] = "failed";
                ready = false;
            }
        }

        report.Status = ready ? "ready" : "not_ready";
        return Results.Json(report, MarketplaceJson.Options, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
