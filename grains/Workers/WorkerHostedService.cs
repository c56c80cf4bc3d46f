using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Workers;

/// <summary>
/// Hosts this silo's workers: at start it loads or creates each worker's BLS key, creates its executor (which signs
/// the worker's receipts with that key) and registers it; then it heartbeats every worker and renews the leases of their attempts every
/// <see cref="JobsOptions.HeartbeatInterval"/>. On stop it tells the directory its workers are leaving (offline at
/// once), then the executors stop without reporting (the jobs resume).
/// </summary>
internal sealed partial class WorkerHostedService(
    IServiceProvider services,
    IGrainFactory grains,
    GrainReferences<IJobAttemptGrain> jobs,
    LocalWorkers localWorkers,
    IOptions<JobsOptions> jobsOptions,
    IOptions<List<WorkerOptions>> workerOptions,
    TimeProvider time,
    ILogger<WorkerHostedService> log) : IHostedService, IAsyncDisposable
{
    /// <summary>How long a stopping silo waits for the directory to take its workers offline.</summary>
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>The workers this silo hosts: the configured list, else <see cref="JobsOptions.DefaultWorkers"/>
    /// default workers <c>w1</c>, <c>w2</c>, ....</summary>
    internal static List<WorkerOptions> Resolve(List<WorkerOptions> configured, JobsOptions options)
    {
        if (configured.Count > 0)
        {
            return configured;
        }

        var defaults = new List<WorkerOptions>(options.DefaultWorkers);
        for (var i = 1; i <= options.DefaultWorkers; i++)
        {
            defaults.Add(new WorkerOptions { Id = options.DefaultWorkerPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return defaults;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = jobsOptions.Value;
        var workers = Resolve(workerOptions.Value, options);
        if (workers.Count == 0)
        {
            return;
        }

        localWorkers.HostId = workers[0].Id;
        var keyFolder = options.WorkerKeyFolder ?? throw new InvalidOperationException("Marketplace:Jobs:WorkerKeyFolder (or Marketplace:DataFolder) must be set to host workers.");
        var runner = services.GetService<IProgramRunner>();
        if (runner is null)
        {
            LogNoRunner(log);
        }

        // Each job's output is held in its client's quota before the run commits, named as the blob store will name it.
        int? outputChunkSize = services.GetService<IOptions<BlobOptions>>()?.Value.ChunkSize;
        var started = time.GetTimestamp();
        await UntilAnsweredAsync("the worker directory", () => grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).ListAsync(null, 1), cancellationToken);
        var directoryAnswered = time.GetElapsedTime(started);
        var registrations = new List<(string WorkerId, WorkerRegistration Registration)>(workers.Count);
        foreach (var worker in workers)
        {
            var caps = new WorkerCapabilities
            {
                Runtimes = worker.Runtimes.Count > 0 ? worker.Runtimes : ["wasm"],
                MaxFuel = worker.MaxFuel,
                MaxMemoryBytes = worker.MaxMemoryBytes,
                PricePerMillionFuel = worker.PricePerMillionFuel,
                Labels = worker.Labels.Count > 0 ? worker.Labels : new Dictionary<string, string> { ["region"] = "local" },
                Capacity = worker.Capacity,
                MaxQueueDepth = worker.MaxQueueDepth,
            };
            // The sign-intent log is read back before the key is loaded: a damaged log stops the worker here.
            var intents = SignIntentLog.Open(keyFolder, worker.Id);
            var key = WorkerKeyStore.LoadOrCreate(keyFolder, worker.Id);
            var registration = WorkerKeyStore.Registration(key, caps);
            localWorkers.Add(new WorkerExecutor(worker.Id, Math.Max(1, worker.Capacity), Math.Max(0, worker.MaxQueueDepth), worker.QueuedPerClientLimit, options.HeartbeatInterval, grains, jobs, localWorkers.Waitlist, runner, new ReceiptSigner(worker.Id, key, time, intents, options.ReceiptBatchLimit) { BatchWindow = options.ReceiptBatchWindow, LocalSignatures = services.GetService<VerifiedSignatures>() }, log, time, services.GetService<TestHooks.IRunResultTampering>(), outputChunkSize, services.GetService<TestHooks.IWorkerLinkFaults>()));
            registrations.Add((worker.Id, registration));
        }

        // Every key is loaded (a damaged sign-intent log stopped the start above) before any worker registers; the
        // workers then register side by side: a silo restarted into a busy cluster is ready sooner.
        // A refusal ends the start: logged at once, and the other workers stop asking.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var calls = new List<Task>(registrations.Count);
        foreach (var (workerId, registration) in registrations)
        {
            calls.Add(RegisterOrAbandonAsync(workerId, registration, abandon));
        }

        await Task.WhenAll(calls).ConfigureAwait(false);

        LogWorkersRegistered(log, workers.Count, time.GetElapsedTime(started).TotalMilliseconds, directoryAnswered.TotalMilliseconds);
        _loop = Task.Run(() => HeartbeatLoopAsync(options.HeartbeatInterval, _stop.Token), CancellationToken.None);
    }

    private async Task RegisterOrAbandonAsync(string workerId, WorkerRegistration registration, CancellationTokenSource abandon)
    {
        try
        {
            await UntilAnsweredAsync("worker " + workerId, () => grains.GetGrain<IWorkerGrain>(workerId).RegisterAsync(registration), abandon.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRegistrationRefused(log, e, workerId);
            await abandon.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Unanswered calls are asked again (StartupCalls) until they are answered, refused, or the service stops.
    private async Task UntilAnsweredAsync(string what, Func<Task> call, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        await StartupCalls.UntilAnsweredAsync(call, (e, attempt) => LogRegistrationRetried(log, e, what, attempt), time, either.Token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        await LeaveAsync(cancellationToken);
        foreach (var executor in localWorkers.RemoveAll())
        {
            await executor.StopAsync(cancellationToken);
        }
    }

    // A graceful stop: the directory takes this silo's workers offline now, so no job offers itself to them and no
    // committee seats them while the silo drains, rather than only once their heartbeats are missed.
    private async Task LeaveAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var executor in localWorkers.All)
        {
            ids.Add(executor.WorkerId);
        }

        if (ids.Count == 0)
        {
            return;
        }

        try
        {
            await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).LeaveAsync([.. ids])
                .WaitAsync(LeaveTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException)
        {
            LogLeaveFailed(log, e, ids.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval, CancellationToken token)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                foreach (var executor in localWorkers.All)
                {
                    if (!executor.IsAlive)
                    {
                        continue;
                    }

                    try
                    {
                        await grains.GetGrain<IWorkerGrain>(executor.WorkerId).HeartbeatAsync().ConfigureAwait(false);
                        await executor.RenewLeasesAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (!token.IsCancellationRequested)
                    {
                        // Whatever failed this round (a busy cluster, or its database away), the next tick tries
                        // again. A loop that ended here would leave this silo's workers offline for good.
                        LogHeartbeatFailed(log, e, executor.WorkerId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = MarketplaceEventIds.NoProgramRunner, Level = LogLevel.Warning, Message = "No program runner is registered: workers will fail every attempt with InvalidProgram")]
    private static partial void LogNoRunner(ILogger log);

    [LoggerMessage(EventId = MarketplaceEventIds.WorkerRegistrationRetried, Level = LogLevel.Warning, Message = "Starting: {What} did not answer (try {Attempt}); asking again")]
    private static partial void LogRegistrationRetried(ILogger log, Exception e, string what, int attempt);

    [LoggerMessage(EventId = MarketplaceEventIds.WorkerRegistrationRefused, Level = LogLevel.Error, Message = "Starting: worker {WorkerId} could not register; the silo does not start")]
    private static partial void LogRegistrationRefused(ILogger log, Exception e, string workerId);

    [LoggerMessage(EventId = MarketplaceEventIds.WorkersRegistered, Level = LogLevel.Information, Message = "Starting: {Count} workers registered in {ElapsedMs:F0} ms (the worker directory answered after {DirectoryMs:F0} ms)")]
    private static partial void LogWorkersRegistered(ILogger log, int count, double elapsedMs, double directoryMs);

    [LoggerMessage(EventId = MarketplaceEventIds.WorkerLeaveFailed, Level = LogLevel.Warning, Message = "Stopping: the directory did not take this silo's {Count} workers offline; they go offline when their heartbeats are missed")]
    private static partial void LogLeaveFailed(ILogger log, Exception e, int count);

    [LoggerMessage(EventId = MarketplaceEventIds.HeartbeatFailed, Level = LogLevel.Warning, Message = "Heartbeat of worker {WorkerId} failed")]
    private static partial void LogHeartbeatFailed(ILogger log, Exception e, string workerId);
}
