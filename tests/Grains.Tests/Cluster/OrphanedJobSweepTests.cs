using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>When a silo dies, the survivors resume its jobs at once, not at a lease, seat or reminder deadline.</summary>
public sealed class OrphanedJobSweepTests(ITestOutputHelper output)
{
    /// <summary>
    /// The lease and the watchdog period are ten minutes here, so nothing but the survivors' sweep can move the job on
    /// within the test's minute: the attempt held by b-1 on the killed silo B is lost at once (or, when the job's grain
    /// went with B's part of the directory, the sweep's call reactivates it) and the job completes on c-1. The test
    /// waits on the client's job list, never on the job itself, since reading a job would reactivate it.
    /// </summary>
    [Fact]
    public async Task AnAttemptOnAKilledSiloGoesToAnotherWorkerWithoutWaitingForItsLeaseOrReminder()
    {
        await using var cluster = await ClusterKit.StartLossClusterAsync(Patient);
        var a = cluster[0];
        var slow = await ClusterKit.DeployAsync(a.Grains, "slow_loop");
        var job = await a.Grains.SubmitAsync(ClusterKit.SlowJob(slow));
        var reminders = a.Services.GetRequiredService<IReminderTable>();
        await MarketplaceTestCluster.WaitAsync(
            async () => (await reminders.ReadRows(0, 0)).Reminders.Any(r => r.ReminderName == JobGrain.WatchdogReminder && r.GrainId.Key.ToString() == job.JobId),
            () => "the job never registered its watchdog");
        var running = await a.Grains.WaitAsync(job.JobId, j => j.StartedAt is not null, TimeSpan.FromSeconds(60));
        Assert.Equal("b-1", running.WorkerId);

        await cluster.KillSiloAsync(1);
        var list = a.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);
        await MarketplaceTestCluster.WaitAsync(
            async () => (await list.ListAsync(null, null, 10)).Jobs.SingleOrDefault() is { Status: JobStatus.Completed },
            () => "the job did not complete within a minute of the kill: nothing resumed it",
            TimeSpan.FromSeconds(60));

        var done = await a.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client);
        var describe = await a.Grains.DescribeAsync(job.JobId);
        output.WriteLine(describe);
        Assert.Equal("c-1", done.WorkerId);
        var logs = await a.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, l => l.Message.StartsWith("attempt 1 on worker b-1 lost: worker b-1 no longer holds it", StringComparison.Ordinal)
            || l.Message.StartsWith("resumed after the job's grain was reactivated", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Message.Contains("no lease renewal", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Message.StartsWith("retry ", StringComparison.Ordinal) && !l.Message.Contains(" in 0 ms after WorkerLost", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Message.StartsWith("completed on worker", StringComparison.Ordinal));
    }

    /// <summary>Ten-minute lease, watchdog and retry backoff; the watchdog registered almost at once. A job that
    /// completes within the test's minute took none of them: an attempt lost with its silo is retried at once, and a
    /// job reactivated before the workers were heard again looks for them within a second or two.</summary>
    private static JobsSettings Patient(JobsSettings settings) => settings
        .Set("Marketplace:Jobs:LeaseDuration", "00:10:00")
        .Set("Marketplace:Jobs:WatchdogAfter", "00:00:00.010")
        .Set("Marketplace:Jobs:WatchdogPeriod", "00:10:00")
        .Set("Marketplace:Jobs:RetryBaseDelay", "00:10:00")
        .Set("Marketplace:Jobs:MaxRetryDelay", "00:10:00");
}
