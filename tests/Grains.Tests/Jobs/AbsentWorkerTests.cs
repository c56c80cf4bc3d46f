using Marketplace.GrainInterfaces;
using Orleans.Core.Internal;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>
/// Workers that are briefly absent (a late heartbeat on a loaded machine, a silo not yet declared dead) make a job
/// wait, charged no retry, up to <c>Marketplace:Jobs:AbsentWorkerWait</c>; a worker that declines for a reason of its
/// own still fails the job at once. Each step waits on the event itself (the directory's view, the job's log).
/// </summary>
public sealed class AbsentWorkerTests
{
    [Fact]
    public async Task A_job_waits_for_an_offline_worker_and_runs_when_it_is_back()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings()
            .Worker("w1")
            .Set("Marketplace:Jobs:WorkerOfflineAfter", "00:00:00.500")
            .Set("Marketplace:Jobs:AbsentWorkerWait", "00:05:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        await WaitOnlineAsync(silo, 1);
        silo.Faults().Partition("w1");
        await WaitOnlineAsync(silo, 0);

        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.MaxRetries = 0));
        await WaitLogAsync(silo, job.JobId, "waiting up to 300 s for absent workers: worker w1 is offline");
        var waiting = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client);
        Assert.True(waiting.Status is JobStatus.Pending or JobStatus.Matching, $"{waiting.Status}: {waiting.ErrorMessage}");
        Assert.Equal(0, waiting.RetryCount);

        silo.Faults().Heal("w1");
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("w1", done.WorkerId);
        Assert.Equal(0, done.RetryCount);
    }

    [Fact]
    public async Task Without_an_absence_wait_an_offline_worker_fails_the_job_as_before()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings()
            .Worker("w1")
            .Set("Marketplace:Jobs:WorkerOfflineAfter", "00:00:00.500")
            .Set("Marketplace:Jobs:AbsentWorkerWait", "00:00:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        await WaitOnlineAsync(silo, 1);
        silo.Faults().Partition("w1");
        await WaitOnlineAsync(silo, 0);

        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.MaxRetries = 0));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(FailureReason.NoEligibleWorker, done.FailureReason);
        Assert.StartsWith("worker w1 is offline", Assert.Single(done.Ineligible).Reason, StringComparison.Ordinal);
        Assert.Contains(await silo.Grains.LogsAsync(job.JobId), l => l.Message.StartsWith("workers absent for", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_waits_while_a_reactivated_worker_directory_has_not_heard_the_workers_yet()
    {
        // The directory lists workers from their heartbeats only: reactivated (its silo died, here it is deactivated)
        // it knows no worker until the next heartbeat. w1 is cut off so none comes until it is healed; a job that
        // cannot retry must wait for it, not fail "no workers are registered".
        await using var silo = await JobsKit.StartAsync(new JobsSettings()
            .Worker("w1")
            .Set("Marketplace:Jobs:WorkerOfflineAfter", "00:05:00")
            .Set("Marketplace:Jobs:AbsentWorkerWait", "00:05:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        await WaitOnlineAsync(silo, 1);
        var directory = silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var before = await directory.GetListeningSinceAsync();
        silo.Faults().Partition("w1");
        await directory.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await directory.GetListeningSinceAsync() == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker directory was never reactivated");
            await Task.Delay(20);
        }

        Assert.Empty(await directory.ListAsync(null, 10));
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.MaxRetries = 0));
        await WaitLogAsync(silo, job.JobId, "waiting up to 300 s for absent workers: the worker directory has listened for heartbeats for");
        Assert.Equal(0, (await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client)).RetryCount);

        silo.Faults().Heal("w1");
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("w1", done.WorkerId);
    }

    [Fact]
    public async Task A_worker_that_declines_for_its_own_reason_fails_the_job_without_a_wait()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings()
            .Worker("w1", region: "earth")
            .Set("Marketplace:Jobs:AbsentWorkerWait", "00:05:00"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        await WaitOnlineAsync(silo, 1);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.MaxRetries = 0; s.Constraints["region"] = "mars"; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(FailureReason.NoEligibleWorker, done.FailureReason);
        Assert.DoesNotContain(await silo.Grains.LogsAsync(job.JobId), l => l.Message.Contains("absent workers", StringComparison.Ordinal));
    }

    private static async Task WaitOnlineAsync(MarketplaceTestSilo silo, int count)
    {
        var directory = silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string[] online;
        while ((online = await directory.ListOnlineIdsAsync()).Length != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{online.Length} workers online, waiting for {count}");
            await Task.Delay(20);
        }
    }

    private static async Task WaitLogAsync(MarketplaceTestSilo silo, string jobId, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await silo.Grains.LogsAsync(jobId)).Any(l => l.Message.StartsWith(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} never logged '{text}': {await silo.Grains.DescribeAsync(jobId)}");
            await Task.Delay(20);
        }
    }
}
