using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Two equal workers share the work, as the README says: each job's reputation event does not make its
/// worker win every later job.</summary>
public sealed class EqualWorkersShareTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hundred_jobs_one_at_a_time_on_two_idle_equal_workers_split_within_40_60()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new JobsSettings().Worker("w1").Worker("w2").Values);
        await WorkerTests.WaitForWorkersAsync(silo, 2);
        var quick = await JobsKit.DeployAsync(silo, "quick");

        var wins = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = $"share-{i}"));
            var done = await silo.Grains.WaitTerminalAsync(job.JobId);
            Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
            wins[done.WorkerId!] = wins.GetValueOrDefault(done.WorkerId!) + 1;
        }

        output.WriteLine($"w1 {wins.GetValueOrDefault("w1")}, w2 {wins.GetValueOrDefault("w2")}");
        Assert.InRange(wins.GetValueOrDefault("w1"), 40, 60);
        Assert.InRange(wins.GetValueOrDefault("w2"), 40, 60);
    }
}
