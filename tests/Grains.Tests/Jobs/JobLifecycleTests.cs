using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

public sealed class JobLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AQuickJobCompletesWithTimestampsFuelAndLogs()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await JobsKit.DeployAsync(silo, "quick");
        var submitted = await silo.Grains.SubmitAsync(JobsKit.Job(program));
        Assert.Equal(program, submitted.ProgramId);
        Assert.True(submitted.Status is JobStatus.Matching or JobStatus.Running);
        var done = await silo.Grains.WaitTerminalAsync(submitted.JobId);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(FailureReason.None, done.FailureReason);
        Assert.Equal("w1", done.WorkerId);
        Assert.True(done.FuelConsumed > 0);
        Assert.True(done.CreatedAt <= done.MatchedAt && done.MatchedAt <= done.StartedAt && done.StartedAt <= done.CompletedAt);
        Assert.Equal(0, done.RetryCount);
        var logs = await silo.Grains.LogsAsync(done.JobId);
        Assert.Contains(logs, l => l.Message.StartsWith("submitted", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Message.StartsWith("attempt 1 assigned to worker w1", StringComparison.Ordinal) && l.Attempt == 1);
        Assert.Contains(logs, l => l.Message.StartsWith("completed on worker w1", StringComparison.Ordinal));
        var list = (await silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client).ListAsync(null, null, 10)).Jobs;
        Assert.Equal(done.JobId, Assert.Single(list).JobId);
    }

    [Fact]
    public async Task SubmitValidationNamesTheField()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await JobsKit.DeployAsync(silo, "quick");
        async Task<string> Rejected(Action<JobSubmission> change) =>
            (await Assert.ThrowsAsync<InvalidRequestException>(() => silo.Grains.SubmitAsync(JobsKit.Job(program, change)))).Message;

        Assert.StartsWith("maxFuel:", await Rejected(s => s.MaxFuel = JobLimits.MaxFuel + 1));
        Assert.StartsWith("maxMemoryBytes:", await Rejected(s => s.MaxMemoryBytes = JobLimits.MaxMemoryBytes + 1));
        Assert.StartsWith("timeoutMs:", await Rejected(s => s.TimeoutMs = -1));
        Assert.StartsWith("maxRetries:", await Rejected(s => s.MaxRetries = 11));
        Assert.StartsWith("inputInline:", await Rejected(s => s.InputInline = new byte[JobLimits.MaxInlineInputBytes + 1]));
        Assert.StartsWith("inputBlobId: give inputBlobId or inputInline, not both", await Rejected(s => { s.InputInline = [1]; s.InputBlobId = "blob" + new string('0', 64); }));
        Assert.StartsWith("ttlMs:", await Rejected(s => s.TtlMs = -5));
        Assert.StartsWith("ttlMs:", await Rejected(s => s.TtlMs = long.MaxValue));
        Assert.StartsWith("maxMemoryBytes: expected 0 or at least 65536", await Rejected(s => s.MaxMemoryBytes = 65_535));
        Assert.StartsWith("maxMemoryBytes: expected 0 or at least 65536", await Rejected(s => s.MaxMemoryBytes = 1));
        Assert.StartsWith("program:", await Rejected(s => s.Program = " "));
        var wrongGrain = silo.Grains.GetGrain<IJobGrain>(JobIds.For(JobsKit.Client, "a")).SubmitAsync(JobsKit.Job(program, s => s.RequestId = "b"));
        Assert.StartsWith("requestId:", (await Assert.ThrowsAsync<InvalidRequestException>(() => wrongGrain)).Message);

        // A rejected submit leaves no job behind.
        var id = JobIds.For(JobsKit.Client, "rejected");
        await Assert.ThrowsAsync<InvalidRequestException>(() => silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "rejected"; s.MaxRetries = 99; })));
        await Assert.ThrowsAsync<JobNotFoundException>(() => silo.Grains.GetGrain<IJobGrain>(id).GetAsync(JobsKit.Client));
    }

    [Fact]
    public async Task AnotherClientCannotSeeCancelOrReadTheLogsOfAJob()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await JobsKit.DeployAsync(silo, "quick");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.RequestId = "mine"));
        var grain = silo.Grains.GetGrain<IJobGrain>(job.JobId);
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<AccessDeniedException>(() => grain.GetAsync("client-b"))).Code);
        await Assert.ThrowsAsync<AccessDeniedException>(() => grain.CancelAsync("client-b"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => grain.GetLogsAsync("client-b", null, 10));
        await Assert.ThrowsAsync<AccessDeniedException>(() => grain.SubmitAsync(JobsKit.Job(program, s => { s.ClientId = "client-b"; s.RequestId = "mine"; })));

        // The same request id from another client is another job.
        var theirs = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.ClientId = "client-b"; s.RequestId = "mine"; }));
        Assert.NotEqual(job.JobId, theirs.JobId);
        Assert.Empty((await silo.Grains.GetGrain<IClientJobsGrain>("client-c").ListAsync(null, null, 10)).Jobs);
    }

    [Fact]
    public async Task CancellingARunningJobInterruptsTheRun()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", capacity: 1));
        var program = await JobsKit.DeployAsync(silo, "slow_loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.InputInline = JobsKit.Iterations(int.MaxValue); s.MaxFuel = JobLimits.MaxFuel; s.TimeoutMs = 60_000; }));
        var started = await silo.Grains.WaitAsync(job.JobId, j => j.StartedAt is not null);
        Assert.True(started.Status == JobStatus.Running, await silo.Grains.DescribeAsync(job.JobId));
        var cancelled = await silo.Grains.GetGrain<IJobGrain>(job.JobId).CancelAsync(JobsKit.Client);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal("cancelled by the client", cancelled.ErrorMessage);

        // The run stops within a fuel slice, long before its 60 s timeout or its fuel budget.
        await silo.WaitIdleAsync(TimeSpan.FromSeconds(5));
        var after = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client);
        Assert.Equal(JobStatus.Cancelled, after.Status);
        output.WriteLine(string.Join("\n", (await silo.Grains.LogsAsync(job.JobId)).Select(l => l.Message)));
    }
}
