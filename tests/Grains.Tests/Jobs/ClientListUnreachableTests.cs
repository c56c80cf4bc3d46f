using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A client whose job list cannot be reached (its silo died and is not declared dead yet) still gets its jobs
/// accepted and run: the submit does not wait for the list, says so in the job's log, and the job is listed when the
/// list answers its end.</summary>
public sealed class ClientListUnreachableTests
{
    [Fact]
    public async Task JobsAreAcceptedAndRunWithoutTheListAndListedAtTheirEnd()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var faults = silo.Services.GetRequiredService<ClientListFaultInjection>();
        faults.FailSubmitCalls(JobsKit.Client);

        var first = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "unreachable-1"));
        var second = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "unreachable-2"));

        // One refused call, then the list is left alone: the second submit did not even try it.
        Assert.Equal(1, faults.RefusedSubmitCalls);
        foreach (var job in new[] { first, second })
        {
            Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(job.JobId)).Status);
            var logs = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetLogsAsync(JobsKit.Client, null, 50);
            Assert.Contains(logs.Logs, e => e.Message.Contains("accepted without its quota check", StringComparison.Ordinal));
        }

        // The ends reached the list (only the submit path's calls failed): both are listed, completed.
        var list = silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);
        await Cluster.MarketplaceTestCluster.WaitAsync(
            async () => (await list.ListAsync(JobStatus.Completed, null, 10)).Jobs.Count == 2,
            () => "the jobs accepted without the list were never listed");
    }
}
