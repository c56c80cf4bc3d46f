// Design: a supervisor that starts the silo as its child (a test harness, a process manager without cgroups) wants
// the silo gone when the supervisor is gone, even when the supervisor was killed and could not stop it. With
// Marketplace:ParentProcessId set, this service polls that process every two seconds and stops the application
// (graceful: the silo leaves the cluster) once it no longer exists.
using System.Diagnostics;

namespace Marketplace.Silo.Hosting;

/// <summary>Stops the silo when the process named by <c>Marketplace:ParentProcessId</c> has exited.</summary>
internal sealed partial class ParentProcessWatch(int parentProcessId, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatch> log)
    : BackgroundService
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Marketplace:ParentProcessId";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (IsRunning(parentProcessId) && await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            LogParentGone(log, parentProcessId);
            lifetime.StopApplication();
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    [LoggerMessage(EventId = Marketplace.Grains.MarketplaceEventIds.ParentProcessGone, Level = LogLevel.Warning, Message = "Parent process {ProcessId} is gone: stopping the silo")]
    private static partial void LogParentGone(ILogger log, int processId);
}
