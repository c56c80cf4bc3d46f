using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

public sealed class DurabilityTests
{
    [Fact]
    public async Task AJobCaughtByASiloRestartResumesByItselfAndCompletes()
    {
        // No retries are allowed, so a lease missed on a loaded machine would end the job early: the lease here is
        // long, since the test is about the restart, not about lost workers.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", capacity: 1).Set("Marketplace:Jobs:LeaseDuration", "00:00:30"));
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.InputInline = JobsKit.Iterations(int.MaxValue); s.MaxFuel = JobLimits.MaxFuel; s.TimeoutMs = 1_500; s.MaxRetries = 0; }));
        await silo.Grains.WaitAsync(job.JobId, j => j.StartedAt is not null);
        await silo.RestartAsync();

        // Nobody calls the job: its watchdog reminder reactivates it, it runs again and ends (past its timeout, or out
        // of fuel first on a fast machine).
        var list = silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);
        var deadline = DateTime.UtcNow.AddSeconds(90); // generous: a loaded 2-core machine replays the reminder late
        JobSummary summary;
        do
        {
            await Task.Delay(100);
            summary = (await list.ListAsync(null, null, 10)).Jobs.Single();
        }
        while (summary.Status < JobStatus.Completed && DateTime.UtcNow < deadline);
        Assert.True(summary.Status is JobStatus.TimedOut or JobStatus.Failed, $"{summary.Status} after the restart; logs: {string.Join(" | ", (await silo.Grains.LogsAsync(job.JobId)).Select(l => l.Message))}");

        var done = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client);
        Assert.True(done.FailureReason is FailureReason.Timeout or FailureReason.OutOfFuel, $"{done.FailureReason}; logs: {string.Join(" | ", (await silo.Grains.LogsAsync(job.JobId)).Select(l => l.Message))}");
        Assert.Equal(0, done.RetryCount);
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, l => l.Message.StartsWith("resumed after the job's grain was reactivated", StringComparison.Ordinal));
        Assert.Equal(2, logs.Count(l => l.Message.Contains("assigned to worker w1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FinishedJobsAndTheirLogsSurviveARestart()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var done = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "keep"))).JobId);
        var logs = await silo.Grains.LogsAsync(done.JobId);
        await silo.RestartAsync();
        var again = await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetAsync(JobsKit.Client);
        Assert.Equal(JobStatus.Completed, again.Status);
        Assert.Equal(done.CompletedAt, again.CompletedAt);
        Assert.Equal(logs.Select(l => l.Message), (await silo.Grains.LogsAsync(done.JobId)).Select(l => l.Message));
        Assert.Equal(done.JobId, (await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "keep"))).JobId);
        Assert.Equal(done.JobId, Assert.Single((await silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client).ListAsync(JobStatus.Completed, null, 10)).Jobs).JobId);
    }
}
