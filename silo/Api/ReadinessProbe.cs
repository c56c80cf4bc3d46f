// Design: what an orchestrator's readiness probe asks is "may traffic go to this silo now?". That holds only while
// the host is neither starting nor stopping, this silo's own membership entry says Active (it joined the cluster and
// has not begun to leave it), the grain storage answers a read, and a grain answers a call. Kestrel binds only once
// the Orleans silo is active and the warm start (WarmStartServer) has run, so a client meets "starting" only in the
// moment before the host reports started, and "stopping" once the host begins to stop. The storage
// read is of a fixed grain id that no grain uses (a missing row: one indexed lookup in SQLite or PostgreSQL,
// whichever storage is configured); the storage and grain checks run at the same time, each bounded by
// Marketplace:Api:ReadinessTimeout, so the answer never waits longer than that.
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Storage;

namespace Marketplace.Silo.Api;

/// <summary>The checks behind <c>GET /v1/health/ready</c>: lifetime, membership, storage, grains.</summary>
internal sealed class ReadinessProbe(
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    IGrainFactory grains,
    IOptions<ApiOptions> options,
    ILoggerFactory loggers)
{
    /// <summary>The grain id whose state the storage check reads (never written).</summary>
    internal static readonly GrainId StorageProbeId = GrainId.Create("marketplace-readiness", "probe");

    private readonly ILogger _log = loggers.CreateLogger("Marketplace.Api.Health");

    /// <summary>Runs the checks; <c>true</c> when every one passed.</summary>
    public async Task<(bool Ready, HealthReport Report)> CheckAsync(CancellationToken aborted)
    {
        var report = new HealthReport();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            report.Checks["silo"] = "stopping";
            return (false, report);
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            report.Checks["silo"] = "starting";
            return (false, report);
        }

        report.Checks["silo"] = "ok";
        var membership = MembershipStatus();
        report.Checks["membership"] = membership;
        if (membership != "ok")
        {
            return (false, report);
        }

        var timeout = options.Value.ReadinessTimeout;
        var storage = CheckStorageAsync(timeout, aborted);
        var grain = CheckGrainsAsync(timeout, aborted);
        report.Checks["storage"] = await storage.ConfigureAwait(false);
        var (grainCheck, workers) = await grain.ConfigureAwait(false);
        report.Checks["grains"] = grainCheck;
        if (workers is { } count)
        {
            report.Checks["workers"] = count.ToString(CultureInfo.InvariantCulture);
        }

        return (report.Checks["storage"] == "ok" && grainCheck == "ok", report);
    }

    // This silo's own status as the membership oracle sees it: Active once it joined, ShuttingDown/Stopping once it
    // began to leave, Dead when the cluster declared it dead.
    private string MembershipStatus()
    {
        var oracle = services.GetService<ISiloStatusOracle>();
        if (oracle is null)
        {
            return "failed";
        }

        return oracle.CurrentStatus switch
        {
            SiloStatus.Active => "ok",
            SiloStatus.None or SiloStatus.Created or SiloStatus.Joining => "starting",
            SiloStatus.ShuttingDown or SiloStatus.Stopping => "stopping",
            _ => "failed",
        };
    }

    private async Task<string> CheckStorageAsync(TimeSpan timeout, CancellationToken aborted)
    {
        try
        {
            var storage = services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
            var state = new GrainState<ReadinessProbeState>(new ReadinessProbeState());
            await storage.ReadStateAsync("readiness", StorageProbeId, state).WaitAsync(timeout, aborted).ConfigureAwait(false);
            return "ok";
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            // A probe reports failures instead of throwing them; the reason goes to the log, the body names the check.
            ApiLog.ReadinessCheckFailed(_log, failure, "storage", failure.GetType().Name, failure.Message);
            return "failed";
        }
    }

    private async Task<(string Check, int? Workers)> CheckGrainsAsync(TimeSpan timeout, CancellationToken aborted)
    {
        try
        {
            var workers = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).CountAsync()
                .WaitAsync(timeout, aborted).ConfigureAwait(false);
            return ("ok", workers);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            ApiLog.ReadinessCheckFailed(_log, failure, "grains", failure.GetType().Name, failure.Message);
            return ("failed", null);
        }
    }
}
