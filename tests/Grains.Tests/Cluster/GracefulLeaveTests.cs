using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>
/// A silo that stops gracefully (a rolling upgrade's step) takes its workers out of the directory as it stops, so no
/// job offers itself to them and no committee seats them while it drains; before, they stayed online until their
/// heartbeats were missed. The heartbeat timeout is ten minutes here, so only the leave can make them offline.
/// </summary>
public sealed class GracefulLeaveTests
{
    [Fact]
    public async Task A_gracefully_stopped_silos_workers_are_offline_at_once()
    {
        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [
                ClusterKit.Silo().Worker("a-1").Worker("a-2").Set("Marketplace:Jobs:WorkerOfflineAfter", "00:10:00").Values,
                ClusterKit.Silo().Worker("b-1").Worker("b-2").Set("Marketplace:Jobs:WorkerOfflineAfter", "00:10:00").Values,
            ],
            workers: 4);
        var directory = cluster[0].Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        await MarketplaceTestCluster.WaitAsync(async () => (await directory.ListOnlineIdsAsync()).Length == 4, () => "the four workers never came online");

        // Stop the silo that does not host the directory, so the directory keeps what it knows across the stop.
        var stats = await cluster[0].Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var directorySilo = stats.Single(s => s.GrainType.Contains(nameof(Workers.WorkerDirectoryGrain), StringComparison.Ordinal)).SiloAddress;
        var stopped = cluster[0].Address == directorySilo ? 1 : 0;
        var kept = 1 - stopped;
        var prefix = stopped == 0 ? "a-" : "b-";
        var via = cluster[kept].Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);

        await cluster.StopSiloAsync(stopped);
        var online = await via.ListOnlineIdsAsync();
        Assert.Equal(2, online.Length);
        Assert.DoesNotContain(online, id => id.StartsWith(prefix, StringComparison.Ordinal));
        var listed = await via.ListAsync(null, 10);
        Assert.Equal(4, listed.Count);
        Assert.All(listed, w => Assert.Equal(!w.WorkerId.StartsWith(prefix, StringComparison.Ordinal), w.Online));

        // A job now goes to a worker that is still there, at once.
        var quick = await ClusterKit.DeployAsync(cluster[kept].Grains, "quick");
        var job = await cluster[kept].Grains.SubmitAsync(JobsKit.Job(quick, s => s.CommitteeSize = 0));
        var done = await cluster[kept].Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.True(done.Status == JobStatus.Completed, await cluster[kept].Grains.DescribeAsync(job.JobId));
        Assert.DoesNotContain(prefix, done.WorkerId, StringComparison.Ordinal);
    }
}
