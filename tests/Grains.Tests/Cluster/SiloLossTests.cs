using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>A silo that leaves the cluster while its worker runs a job.</summary>
public sealed class SiloLossTests(ITestOutputHelper output)
{
    /// <summary>
    /// Job grains are placed anywhere, so the job's own grain may live on the stopped silo or elsewhere; both are
    /// forced here. On the stopped silo, the job's grain leaves with it and its next activation abandons the attempt,
    /// unless the silo's shutdown is slow enough (a loaded run) that the grain, still active there, sees the attempt's
    /// lease expire first and retries from where it is.
    /// Elsewhere, the job sees the attempt's lease expire, unless Orleans deactivates the job's grain too: a silo that
    /// leaves takes its part of the grain directory along, and activations registered there are deactivated on every
    /// silo (about one run in three here). Either way the job runs again on silo C and completes once.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AJobRunningOnAStoppedSiloIsRetriedOnAnotherSiloAndCompletesOnce(bool jobGrainOnStoppedSilo)
    {
        // b-1 is cheaper, so the first attempt goes to silo B; c-1 on silo C is the only other worker. The worker
        // directory keeps its list in memory: when it lived on silo B, it starts empty elsewhere and fills again as
        // capability announcements arrive once the streams' queues have moved off B, which took more than 1.5 s in a
        // loaded run; the retries' backoff (10 retries, up to 2 s apart) covers that.
        await using var cluster = await StartClusterAsync();
        var a = cluster[0];
        var b = cluster[1];
        var slow = await ClusterKit.DeployAsync(a.Grains, "slow_loop");

        // 11 million iterations (462 million fuel): about a second of work on an idle core, several under load; the
        // silo stops as soon as the run has started, long before it could end.
        // With local placement the job's grain activates on the silo the submit is called from.
        var job = await (jobGrainOnStoppedSilo ? b : a).Grains.SubmitAsync(ClusterKit.SlowJob(slow));
        await AssertJobGrainPlacedAsync(a, job.JobId, b.Address, jobGrainOnStoppedSilo);
        var running = await a.Grains.WaitAsync(job.JobId, j => j.StartedAt is not null, TimeSpan.FromSeconds(60));
        Assert.Equal("b-1", running.WorkerId);

        await cluster.StopSiloAsync(1);
        var done = await a.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(120));
        var describe = await a.Grains.DescribeAsync(job.JobId);
        output.WriteLine(describe);
        Assert.True(done.Status == JobStatus.Completed, describe);
        Assert.Equal("c-1", done.WorkerId);

        var logs = await a.Grains.LogsAsync(job.JobId);
        // Lost when its lease expired, or at once when the survivors' sweep found b-1 no longer holds it.
        const string LeaseLost = "attempt 1 on worker b-1 lost: ";
        const string Reactivated = "resumed after the job's grain was reactivated";
        var lost = logs.Any(l => l.Message.StartsWith(LeaseLost, StringComparison.Ordinal));
        var reactivated = logs.Any(l => l.Message.StartsWith(Reactivated, StringComparison.Ordinal));
        output.WriteLine((lost ? "the attempt's lease expired; " : "") + (reactivated ? "the job's grain was reactivated" : ""));
        Assert.True(lost || reactivated, describe);
        Assert.Single(logs, l => l.Message.StartsWith("completed on worker", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Message.StartsWith("ignored a report", StringComparison.Ordinal));
        var listed = Assert.Single((await a.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client).ListAsync(null, null, 10)).Jobs);
        Assert.Equal(JobStatus.Completed, listed.Status);
        var c1 = a.Grains.GetGrain<IWorkerGrain>("c-1");
        await MarketplaceTestCluster.WaitAsync(async () => (await c1.GetAsync()).Completed == 1, () => "c-1 never counted the run");
    }

    /// <summary>
    /// Silo B is killed (its host stops with a cancelled token: no graceful shutdown, as a crashed process) while its
    /// worker runs a job whose grain lives on silo A. The job sees the attempt's lease expire, or its grain is
    /// reactivated when the directory part B held moves, and the job runs again on silo C and completes once.
    /// </summary>
    [Fact]
    public async Task AJobRunningOnAKilledSiloIsRetriedOnAnotherSiloAndCompletesOnce()
    {
        await using var cluster = await StartClusterAsync();
        var a = cluster[0];
        var b = cluster[1];
        var slow = await ClusterKit.DeployAsync(a.Grains, "slow_loop");
        var job = await a.Grains.SubmitAsync(ClusterKit.SlowJob(slow));
        await AssertJobGrainPlacedAsync(a, job.JobId, b.Address, on: false);
        var running = await a.Grains.WaitAsync(job.JobId, j => j.StartedAt is not null, TimeSpan.FromSeconds(60));
        Assert.Equal("b-1", running.WorkerId);

        await cluster.KillSiloAsync(1);
        var done = await a.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(120));
        var describe = await a.Grains.DescribeAsync(job.JobId);
        output.WriteLine(describe);
        Assert.True(done.Status == JobStatus.Completed, describe);
        Assert.Equal("c-1", done.WorkerId);

        var logs = await a.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, l => l.Message.StartsWith("attempt 1 on worker b-1 lost: ", StringComparison.Ordinal)
            || l.Message.StartsWith("resumed after the job's grain was reactivated", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Message.StartsWith("completed on worker", StringComparison.Ordinal));
        var c1 = a.Grains.GetGrain<IWorkerGrain>("c-1");
        await MarketplaceTestCluster.WaitAsync(async () => (await c1.GetAsync()).Completed == 1, () => "c-1 never counted the run");
    }

    /// <summary>Silo A without workers, silo B with the cheap worker b-1, silo C with c-1.</summary>
    private static Task<MarketplaceTestCluster> StartClusterAsync() => ClusterKit.StartLossClusterAsync(WithRetries);

    private static JobsSettings WithRetries(JobsSettings settings) => settings
        .Set("Marketplace:Jobs:RetryBaseDelay", "00:00:00.200")
        .Set("Marketplace:Jobs:MaxRetryDelay", "00:00:02");

    /// <summary>Checks that the job's grain lives on <paramref name="silo"/> (or, when <paramref name="on"/> is false,
    /// elsewhere), as the test's placement intends.</summary>
    private static async Task AssertJobGrainPlacedAsync(ClusterSilo observer, string jobId, SiloAddress silo, bool on)
    {
        var statistics = await observer.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var where = Assert.Single(statistics, s => s.GrainId.Key.ToString() == jobId).SiloAddress;
        Assert.True(where.Equals(silo) == on, $"the job's grain is on {where}; the test wanted it {(on ? "on" : "off")} {silo}");
    }
}
