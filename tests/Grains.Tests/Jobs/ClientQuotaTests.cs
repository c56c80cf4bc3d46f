using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A client's quotas: unfinished jobs and fuel per hour refuse a submit beyond them with a typed error (other
/// clients unaffected, room again once a job has finished); concurrent jobs make the rest wait in submit order.</summary>
public sealed class ClientQuotaTests
{
    [Fact]
    public async Task SubmitsBeyondTheUnfinishedJobQuotaAreRefusedUntilAJobFinishes()
    {
        // The only worker is in another region than the jobs ask for: submitted jobs stay unfinished (their next match
        // is 10 min away) until cancelled.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", region: "local")
            .Set("Marketplace:Jobs:UnfinishedJobsPerClient:" + JobsKit.Client, "3")
            .Set("Marketplace:Jobs:RetryBaseDelay", "00:10:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var jobs = new List<JobInfo>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add(await silo.Grains.SubmitAsync(Stranded(quick, s => { s.RequestId = "q" + i; s.MaxRetries = 10; })));
        }

        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => silo.Grains.SubmitAsync(Stranded(quick, s => s.RequestId = "q3")));
        Assert.Equal("quota_exceeded", refused.Code);

        // Resubmitting a job the client already has is not a new job and is not refused.
        Assert.Equal(jobs[0].JobId, (await silo.Grains.SubmitAsync(Stranded(quick, s => { s.RequestId = "q0"; s.MaxRetries = 10; }))).JobId);

        // Another client has its own quota (the default).
        var other = Stranded(quick, s => { s.ClientId = "client-b"; s.RequestId = "b0"; });
        Assert.Equal("client-b", (await silo.Grains.GetGrain<IJobGrain>(JobIds.For("client-b", "b0")).SubmitAsync(other)).ClientId);

        // Once one job has finished, there is room for one more.
        await silo.Grains.GetGrain<IJobGrain>(jobs[1].JobId).CancelAsync(JobsKit.Client);
        await Cluster.MarketplaceTestCluster.WaitAsync(async () =>
        {
            try
            {
                await silo.Grains.SubmitAsync(Stranded(quick, s => s.RequestId = "q3"));
                return true;
            }
            catch (QuotaExceededException)
            {
                return false;
            }
        }, () => "the cancelled job's place was never freed");
    }

    [Fact]
    public async Task AFuelBudgetBeyondTheHourlyQuotaIsRefusedUntilRunningJobsHaveBurnedLess()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", region: "local")
            .Set("Marketplace:Jobs:FuelPerHourPerClient:" + JobsKit.Client, "1000000")
            .Set("Marketplace:Jobs:RetryBaseDelay", "00:10:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");

        // A stranded job holds its whole budget: another of the same size does not fit in the hour.
        var first = await silo.Grains.SubmitAsync(Stranded(quick, s => { s.RequestId = "f0"; s.MaxFuel = 600_000; s.MaxRetries = 10; }));
        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "f1"; s.MaxFuel = 600_000; })));
        Assert.Contains("fuel per hour", refused.Message, StringComparison.Ordinal);
        Assert.Contains("1,000,000", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<JobNotFoundException>(() => silo.Grains.GetGrain<IJobGrain>(JobIds.For(JobsKit.Client, "f1")).GetAsync(JobsKit.Client));

        // Another client has the default quota.
        var other = JobsKit.Job(quick, s => { s.ClientId = "client-b"; s.RequestId = "b0"; s.MaxFuel = 600_000; });
        Assert.Equal("client-b", (await silo.Grains.GetGrain<IJobGrain>(JobIds.For("client-b", "b0")).SubmitAsync(other)).ClientId);

        // Once the stranded job is cancelled (it burned nothing), the hour has room again; a finished job counts what
        // it burned, not its budget.
        await silo.Grains.GetGrain<IJobGrain>(first.JobId).CancelAsync(JobsKit.Client);
        var ran = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "f2"; s.MaxFuel = 600_000; }));
        var done = await silo.Grains.WaitTerminalAsync(ran.JobId);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.True(done.FuelConsumed < 100_000);
        var next = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "f3"; s.MaxFuel = 900_000; }));
        Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(next.JobId)).Status);
    }

    [Fact]
    public async Task JobsBeyondTheConcurrentQuotaWaitAndStartInSubmitOrder()
    {
        // One worker with four slots; the client may have two jobs looking for workers or running at once.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", capacity: 4)
            .Set("Marketplace:Jobs:ConcurrentJobsPerClient:" + JobsKit.Client, "2"));
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var submitted = new List<JobInfo>();
        for (var i = 0; i < 6; i++)
        {
            submitted.Add(await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.RequestId = "c" + i; s.InputInline = JobsKit.Iterations(100_000); })));
        }

        var done = new List<JobInfo>();
        foreach (var job in submitted)
        {
            done.Add(await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60)));
        }

        Assert.All(done, j => Assert.Equal(JobStatus.Completed, j.Status));

        // At no time were more than two of them matched or running (their recorded intervals), and they started in
        // the order they were submitted.
        foreach (var job in done)
        {
            var overlapping = done.Count(o => o.MatchedAt <= job.MatchedAt && o.CompletedAt > job.MatchedAt);
            Assert.True(overlapping <= 2, $"{overlapping} jobs were matched or running when {job.RequestId} was matched");
        }

        // The first two had places at once; the four that waited got theirs in submit order, after those two.
        var waited = done.Skip(2).ToList();
        Assert.Equal(waited.Select(j => j.JobId), waited.OrderBy(j => j.MatchedAt).Select(j => j.JobId));
        Assert.All(waited, w => Assert.True(w.MatchedAt > done[0].MatchedAt && w.MatchedAt > done[1].MatchedAt));
        Assert.Contains(await silo.Grains.LogsAsync(done[^1].JobId), l => l.Message.StartsWith("waiting: client " + JobsKit.Client + " has 2 jobs", StringComparison.Ordinal));
    }

    private static JobSubmission Stranded(string program, Action<JobSubmission> change) => JobsKit.Job(program, s =>
    {
        s.Constraints = new() { ["region"] = "mars" };
        change(s);
    });
}
