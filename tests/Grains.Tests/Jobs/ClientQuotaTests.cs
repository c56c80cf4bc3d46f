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
        // One worker with four slots. Client "one-at-a-time" may have one job looking for a worker or running, client
        // "two-at-a-time" two.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", capacity: 4)
            .Set("Marketplace:Jobs:ConcurrentJobsPerClient:one-at-a-time", "1")
            .Set("Marketplace:Jobs:ConcurrentJobsPerClient:two-at-a-time", "2"));
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        async Task<List<JobInfo>> RunAsync(string client, int count)
        {
            var submitted = new List<JobInfo>();
            for (var i = 0; i < count; i++)
            {
                var job = new JobSubmission { ClientId = client, RequestId = client + i, Program = slow, InputInline = JobsKit.Iterations(100_000) };
                submitted.Add(await silo.Grains.GetGrain<IJobGrain>(JobIds.For(client, job.RequestId)).SubmitAsync(job));
            }

            var done = new List<JobInfo>();
            foreach (var job in submitted)
            {
                done.Add(await WaitTerminalAsync(silo, client, job.JobId));
            }

            return done;
        }

        var both = await Task.WhenAll(RunAsync("one-at-a-time", 5), RunAsync("two-at-a-time", 6));
        Assert.All(both.SelectMany(j => j), j => Assert.Equal(JobStatus.Completed, j.Status));

        // One at a time: each job was matched only after the one submitted before it had completed.
        var serial = both[0];
        for (var i = 1; i < serial.Count; i++)
        {
            Assert.True(serial[i].MatchedAt >= serial[i - 1].CompletedAt, $"job {i} was matched before job {i - 1} completed");
        }

        // Two at a time: at no time were more than two matched or running (their recorded intervals).
        foreach (var job in both[1])
        {
            var overlapping = both[1].Count(o => o.MatchedAt <= job.MatchedAt && o.CompletedAt > job.MatchedAt);
            Assert.True(overlapping <= 2, $"{overlapping} jobs were matched or running when {job.RequestId} was matched");
        }

        var logs = await silo.Grains.GetGrain<IJobGrain>(both[1][^1].JobId).GetLogsAsync("two-at-a-time", null, 1000);
        Assert.Contains(logs.Logs, l => l.Message.StartsWith("waiting: client two-at-a-time has 2 jobs", StringComparison.Ordinal));
    }

    private static async Task<JobInfo> WaitTerminalAsync(MarketplaceTestSilo silo, string client, string jobId)
    {
        var job = silo.Grains.GetGrain<IJobGrain>(jobId);
        for (var i = 0; i < 6_000; i++)
        {
            var info = await job.GetAsync(client);
            if (info.Status >= JobStatus.Completed)
            {
                return info;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"job {jobId} did not finish within 60 s");
    }

    private static JobSubmission Stranded(string program, Action<JobSubmission> change) => JobsKit.Job(program, s =>
    {
        s.Constraints = new() { ["region"] = "mars" };
        change(s);
    });
}
