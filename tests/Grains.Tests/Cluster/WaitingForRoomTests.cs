using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>Jobs that two silos' workers turned away for want of room wait on both silos' lists and are woken when
/// room opens, including a job whose assignment was refused because another job took the room it bid for.</summary>
public sealed class WaitingForRoomTests(ITestOutputHelper output)
{
    private const int Jobs = 16;

    [Fact]
    public async Task AFloodOnTwoSilosCompletesOnWakesAloneWithoutBackoffPolls()
    {
        // Backoff polls ten minutes apart: within the test only a worker's wake moves a waiting job on. One slot and
        // one queued attempt per client on each silo, so most of the jobs wait on both silos' lists.
        static JobsSettings Tune(JobsSettings s) => s
            .Set("Marketplace:Jobs:BusyWaitBase", "00:10:00")
            .Set("Marketplace:Jobs:WokenWaitMax", "00:10:00");
        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [
                Tune(ClusterKit.Silo().Worker("a-1", capacity: 1, queue: 4)).Values,
                Tune(ClusterKit.Silo().Worker("b-1", capacity: 1, queue: 4)).Values,
            ],
            workers: 2);
        var grains = cluster[0].Grains;
        var program = await ClusterKit.DeployAsync(grains, "slow_loop");

        var submitted = await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i => grains.SubmitAsync(JobsKit.Job(program, s =>
        {
            s.RequestId = $"r{i}";
            s.InputInline = JobsKit.Iterations(200_000);
            s.MaxRetries = 0;
        }))));

        var done = new List<JobInfo>();
        foreach (var job in submitted)
        {
            done.Add(await grains.WaitTerminalAsync(job.JobId, TimeSpan.FromMinutes(2)));
        }

        foreach (var job in done)
        {
            Assert.True(job.Status == JobStatus.Completed, await grains.DescribeAsync(job.JobId));
        }

        var ran = done.GroupBy(j => j.WorkerId).Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{Jobs} jobs completed: {string.Join(", ", ran)}");
        Assert.Equal(2, done.Select(j => j.WorkerId).Distinct().Count());
    }
}
