using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

public sealed class MatchingTests
{
    [Fact]
    public async Task WhenNoWorkerIsEligibleTheJobSaysWhyPerWorker()
    {
        var settings = new JobsSettings()
            .Worker("w1", maxMemoryBytes: 256L << 20)
            .Worker("w3", maxMemoryBytes: 1L << 30, region: "eu")
            .Worker("w4", maxMemoryBytes: 512L << 20, price: 50);
        await using var silo = await JobsKit.StartAsync(settings);
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.MaxMemoryBytes = 512L << 20; s.Constraints["region"] = "local"; s.MaxPricePerMillionFuel = 10; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(FailureReason.NoEligibleWorker, done.FailureReason);
        Assert.Equal(
            ["needs 512 MiB memory, worker w1 offers 256 MiB"],
            done.Ineligible.Where(i => i.WorkerId == "w1").Select(i => i.Reason));
        Assert.Equal(
            ["needs 512 MiB memory, worker w1 offers 256 MiB", "needs region=local, worker w3 has region=eu", "pays at most 10 per million fuel, worker w4 asks 50"],
            done.Ineligible.Select(i => i.Reason));
        Assert.StartsWith("no eligible worker: needs 512 MiB memory, worker w1 offers 256 MiB; needs region=local", done.ErrorMessage);
    }

    [Fact]
    public async Task PriceAndRegionConstraintsAreExplainedAndRetriedUntilRetriesRunOut()
    {
        var settings = new JobsSettings().Worker("w3", price: 50, region: "us").Worker("w5", price: 2, region: "eu");
        await using var silo = await JobsKit.StartAsync(settings);
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.MaxPricePerMillionFuel = 10; s.Constraints["region"] = "us"; s.MaxRetries = 2; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.Equal(FailureReason.NoEligibleWorker, done.FailureReason);
        Assert.Equal(2, done.RetryCount);
        Assert.Equal(
            ["pays at most 10 per million fuel, worker w3 asks 50", "needs region=us, worker w5 has region=eu"],
            done.Ineligible.Select(i => i.Reason));
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Equal(2, logs.Count(l => l.Message.StartsWith("retry ", StringComparison.Ordinal) && l.Message.Contains("NoEligibleWorker", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheCheaperWorkerWins()
    {
        var settings = new JobsSettings().Worker("dear", price: 9).Worker("cheap", price: 1).Worker("middle", price: 4);
        await using var silo = await JobsKit.StartAsync(settings);
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var done = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(quick))).JobId);
        Assert.Equal("cheap", done.WorkerId);
        Assert.Equal(1, done.PricePerMillionFuel);
    }

    [Fact]
    public async Task AtEqualPriceTheLessLoadedWorkerWins()
    {
        var settings = new JobsSettings().Worker("a", capacity: 1, queue: 2, region: "a").Worker("b", capacity: 1, queue: 2, region: "b");
        await using var silo = await JobsKit.StartAsync(settings);
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var quick = await JobsKit.DeployAsync(silo, "quick");

        // Keep worker a busy (pinned by region), then submit an unpinned job: b has the free slot.
        var busy = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.InputInline = JobsKit.Iterations(int.MaxValue); s.MaxFuel = JobLimits.MaxFuel; s.Constraints["region"] = "a"; }));
        await silo.Grains.WaitAsync(busy.JobId, j => j.StartedAt is not null);
        var done = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(quick))).JobId);
        Assert.True(done.WorkerId == "b", $"quick job: {await silo.Grains.DescribeAsync(done.JobId)}; busy job: {await silo.Grains.DescribeAsync(busy.JobId)}");
        Assert.True(done.MatchedAt < (await silo.Grains.GetGrain<IJobGrain>(busy.JobId).GetAsync(JobsKit.Client)).CompletedAt.GetValueOrDefault(DateTimeOffset.MaxValue));
    }
}
