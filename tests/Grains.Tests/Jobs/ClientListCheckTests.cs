using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A job's end that never reached its client's list (the list's silo died) is read from the job by the list's
/// next check: the list shows the job finished and it stops counting against the client's quota of unfinished
/// jobs.</summary>
public sealed class ClientListCheckTests
{
    [Fact]
    public async Task AnEndTheListNeverHeardOfIsReadFromTheJobAndFreesItsPlaceInTheQuota()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1")
            .Set("Marketplace:Jobs:UnfinishedJobsPerClient:" + JobsKit.Client, "2")
            .Set("Marketplace:Jobs:ClientListCheckInterval", "00:00:01"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var faults = silo.Services.GetRequiredService<ClientListFaultInjection>();
        faults.DropEnds(JobsKit.Client);

        var jobs = new List<JobInfo>();
        for (var i = 0; i < 2; i++)
        {
            var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "e" + i));
            Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(job.JobId)).Status);
            jobs.Add(job);
        }

        // Both jobs have ended, but their ends were lost on the way: the list still counts them as unfinished.
        var list = silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);
        var listed = await list.ListAsync(null, null, 10);
        Assert.All(listed.Jobs, j => Assert.Equal(JobStatus.Pending, j.Status));
        faults.Restore(JobsKit.Client);

        // The list's check reads the ends from the jobs: both listed completed, and a third job fits in the quota.
        await Cluster.MarketplaceTestCluster.WaitAsync(async () =>
            (await list.ListAsync(JobStatus.Completed, null, 10)).Jobs.Count == 2,
            () => "the list never read the jobs' ends from the jobs");
        var third = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "e2"));
        Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(third.JobId)).Status);
        var logs = await silo.Grains.GetGrain<IJobGrain>(jobs[0].JobId).GetLogsAsync(JobsKit.Client, null, 50);
        Assert.Contains(logs.Logs, e => e.Message.Contains("did not hear of this end", StringComparison.Ordinal));
    }
}
