using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Cluster;

/// <summary>Jobs and workers on a cluster of several silos in this process: submission, matching and execution cross
/// silos; worker grains live where their executors are.</summary>
public sealed class CrossSiloJobTests
{
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AJobSubmittedOnASiloWithoutWorkersRunsOnAnotherSilosWorker()
    {
        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [ClusterKit.NoWorkers().Values, ClusterKit.Silo().Worker("b-1").Worker("b-2").Values], workers: 2);
        var a = cluster[0];
        var b = cluster[1];
        Assert.Empty(a.Workers.All);

        var quick = await ClusterKit.DeployAsync(a.Grains, "quick");
        var job = await a.Grains.SubmitAsync(JobsKit.Job(quick));
        var done = await a.Grains.WaitTerminalAsync(job.JobId, JobBound);
        Assert.True(done.Status == JobStatus.Completed, await a.Grains.DescribeAsync(job.JobId));
        Assert.Contains(done.WorkerId, new[] { "b-1", "b-2" });
        Assert.Same(b, cluster.HostOf(done.WorkerId!));

        // The executor on silo B ran it: the worker's completed count comes from that executor with the next heartbeat.
        var worker = a.Grains.GetGrain<IWorkerGrain>(done.WorkerId!);
        await MarketplaceTestCluster.WaitAsync(async () => (await worker.GetAsync()).Completed == 1, () => $"worker {done.WorkerId} never counted the run");
    }

    [Fact]
    public async Task WorkerGrainsAreActivatedOnTheSiloThatHostsTheirExecutors()
    {
        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [ClusterKit.NoWorkers().Values, ClusterKit.Silo().Worker("b-1").Values, ClusterKit.Silo().Worker("c-1").Worker("c-2").Values], workers: 3);
        var a = cluster[0];

        // Calls from the silo without workers reach the grains where they already live, and submitting jobs there does
        // not activate them anywhere else.
        var quick = await ClusterKit.DeployAsync(a.Grains, "quick");
        for (var i = 0; i < 3; i++)
        {
            var done = await a.Grains.WaitTerminalAsync((await a.Grains.SubmitAsync(JobsKit.Job(quick))).JobId, JobBound);
            Assert.Equal(JobStatus.Completed, done.Status);
        }

        foreach (var id in new[] { "b-1", "c-1", "c-2" })
        {
            Assert.Equal(id, (await a.Grains.GetGrain<IWorkerGrain>(id).GetAsync()).WorkerId);
        }

        var activations = await a.WorkerActivationsAsync(["b-1", "c-1", "c-2"]);
        Assert.Equal(
            [("b-1", cluster[1].Address), ("c-1", cluster[2].Address), ("c-2", cluster[2].Address)],
            activations);
    }

    [Fact]
    public async Task WhyNotMatchedNamesTheWorkersOfEverySilo()
    {
        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [
                ClusterKit.Silo().Worker("a-1", maxMemoryBytes: 128L << 20).Values,
                ClusterKit.Silo().Worker("b-1", maxMemoryBytes: 256L << 20).Values,
                ClusterKit.Silo().Worker("c-1", region: "eu").Values,
            ],
            workers: 3);
        var c = cluster[2];
        var quick = await ClusterKit.DeployAsync(c.Grains, "quick");
        var job = await c.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.MaxMemoryBytes = 512L << 20; s.Constraints["region"] = "local"; }));
        var done = await c.Grains.WaitTerminalAsync(job.JobId, JobBound);
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(FailureReason.NoEligibleWorker, done.FailureReason);
        Assert.Equal(
            [
                ("a-1", "needs 512 MiB memory, worker a-1 offers 128 MiB"),
                ("b-1", "needs 512 MiB memory, worker b-1 offers 256 MiB"),
                ("c-1", "needs region=local, worker c-1 has region=eu"),
            ],
            done.Ineligible.Select(i => (i.WorkerId, i.Reason)));
    }

    [Fact]
    public async Task CapabilitiesFromEverySiloReachTheWorkerDirectory()
    {
        await using var cluster = await MarketplaceTestCluster.StartAsync(
            [
                ClusterKit.Silo().Worker("a-1", region: "a", price: 1).Values,
                ClusterKit.Silo().Worker("b-1", region: "b", price: 2).Worker("b-2", region: "b", price: 3).Values,
                ClusterKit.Silo().Worker("c-1", region: "c", price: 4).Values,
            ],
            workers: 4);
        foreach (var silo in cluster.Silos)
        {
            var listed = await silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).ListAsync(null, PageLimits.Max);
            Assert.Equal(
                [("a-1", "a", 1L, true), ("b-1", "b", 2L, true), ("b-2", "b", 3L, true), ("c-1", "c", 4L, true)],
                listed.Select(w => (w.WorkerId, w.Capabilities.Labels["region"], w.Capabilities.PricePerMillionFuel, w.Online)));
        }

        // Heartbeats keep arriving from every silo: each worker's last heartbeat moves on.
        var directory = cluster[0].Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var first = (await directory.ListAsync(null, PageLimits.Max)).ToDictionary(w => w.WorkerId, w => w.LastHeartbeat);
        await MarketplaceTestCluster.WaitAsync(
            async () => (await directory.ListAsync(null, PageLimits.Max)).All(w => w.LastHeartbeat > first[w.WorkerId]),
            () => "a worker's heartbeat did not reach the directory again");
    }
}
