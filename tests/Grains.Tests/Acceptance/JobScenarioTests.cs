using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Acceptance;

/// <summary>Scenarios A1-A3, A11 and A20-A23 of shared/reference/seeds.md section 3, end to end: real grains, the real
/// wasm engine, SQLite storage.</summary>
public sealed class JobScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A1_AnInfiniteLoopRunsOutOfFuelAndTheWorkerKeepsServing()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("solo", capacity: 1));
        var loop = await JobsKit.DeployAsync(silo, "infinite_loop");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        const long budget = 3_000_000;
        var stuck = await silo.Grains.SubmitAsync(JobsKit.Job(loop, s => { s.MaxFuel = budget; s.MaxRetries = 3; }));
        var next = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.InputInline = "still here"u8.ToArray()));

        var failed = await silo.Grains.WaitTerminalAsync(stuck.JobId);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(FailureReason.OutOfFuel, failed.FailureReason);
        Assert.Equal(budget, failed.FuelConsumed);
        Assert.Equal(0, failed.RetryCount); // deterministic: a retry would burn the same budget again

        // The same single-slot worker ran the next job after the runaway one.
        var served = await silo.Grains.WaitTerminalAsync(next.JobId);
        Assert.Equal(JobStatus.Completed, served.Status);
        Assert.Equal("solo", served.WorkerId);
        Assert.Equal(10, served.OutputSize);
    }

    [Fact]
    public async Task A2_AMemoryBombHitsTheLimitAndFailsWithOutOfMemory()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var bomb = await JobsKit.DeployAsync(silo, "memory_bomb");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(bomb, s => s.MaxMemoryBytes = 8L << 20));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(FailureReason.OutOfMemory, done.FailureReason);
        Assert.Equal(8L << 20, done.MaxMemoryBytes);
        Assert.Equal(0, done.RetryCount);
        output.WriteLine(done.ErrorMessage);
    }

    [Fact]
    public async Task A3_ARunPastItsTimeoutIsInterruptedAndRetriedWhileRetriesRemain()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1").Worker("w2"));
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s =>
        {
            s.InputInline = JobsKit.Iterations(int.MaxValue);
            s.MaxFuel = JobLimits.MaxFuel;
            s.TimeoutMs = 30;
            s.MaxRetries = 1;
        }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.TimedOut, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(FailureReason.Timeout, done.FailureReason);
        Assert.StartsWith("timed out after 30 ms", done.ErrorMessage);
        Assert.Equal(1, done.RetryCount);

        // Each attempt was stopped before its budget ran out, and no run is left on any worker. The fuel figure of an
        // interrupted run is what Wasmtime had written back at the program's last call or return (it does not flush
        // its counter on an epoch interrupt; see grains/Execution/README.md), so it may be 0 for a loop without calls.
        Assert.InRange(done.FuelConsumed, 0, JobLimits.MaxFuel - 1);
        await silo.WaitIdleAsync(TimeSpan.FromSeconds(2));
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Equal(2, logs.Count(l => l.Message.Contains("failed (Timeout): timed out after 30 ms", StringComparison.Ordinal)));
        Assert.Single(logs, l => l.Message.StartsWith("retry 1 of 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A11_AWorkerKilledMidJobLosesItsLeaseAndTheJobCompletesOnceOnAnotherWorker()
    {
        // A 3 s lease: the healthy worker's renewals (every 0.1 s) must never lapse on a loaded machine, or the job
        // would be retried a second time.
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("k1", capacity: 1).Worker("k2", capacity: 1).Set("Marketplace:Jobs:LeaseDuration", "00:00:03"));
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.InputInline = JobsKit.Iterations(11_000_000); s.MaxFuel = JobLimits.MaxFuel; s.MaxRetries = 2; }));
        var running = await silo.Grains.WaitAsync(job.JobId, j => j.Status == JobStatus.Running);
        var victim = running.WorkerId!;
        silo.Faults().Crash(victim);
        Assert.True((await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client)).Status < JobStatus.Completed, "the run ended before the kill");

        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.NotEqual(victim, done.WorkerId);
        Assert.Equal(1, done.RetryCount);
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Single(logs, l => l.Message.StartsWith($"attempt 1 on worker {victim} lost", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Message.StartsWith("completed", StringComparison.Ordinal));
        Assert.Equal(1, (await silo.Grains.GetGrain<IWorkerGrain>(victim).GetAsync()).Failed);

        // The dead worker gets a timeout in its reputation, once, named after the lost attempt.
        var reputation = await silo.Grains.GetGrain<IReputationGrain>(victim).GetAsync();
        Assert.Equal(1, reputation.Counts.Timeouts);
        var events = await silo.Grains.GetGrain<IReputationGrain>(victim).GetEventsAsync(null, 10);
        Assert.Contains(events.Events, e => e.EventId == ReputationEventIds.ForAttempt(job.JobId, 1, ReputationEventKind.Timeout));
    }

    [Fact]
    public async Task A11_ACutOffWorkersLateReportIsIgnoredSoTheJobCompletesExactlyOnce()
    {
        // The first run's result is held back on its worker (the run itself is over) while that worker is cut off, so
        // its report can only come after its lease lapsed and the job ran elsewhere: no race between the run's length
        // and the lease. The lease (3 s, renewed every 100 ms) lapses only once the worker is cut off.
        using var holdBack = new HoldBackFirstRun();
        var settings = new JobsSettings().Worker("p1", capacity: 1).Worker("p2", capacity: 1)
            .Set("Marketplace:Jobs:LeaseDuration", "00:00:03").Set("Marketplace:Jobs:HeartbeatInterval", "00:00:00.100");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => services.AddSingleton<IRunResultTampering>(holdBack));
        await WorkerTests.WaitForWorkersAsync(silo, 2);
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.InputInline = JobsKit.Iterations(1_000_000); s.MaxRetries = 5; }));
        var cutOff = await holdBack.FirstRun.WaitAsync(TimeSpan.FromSeconds(60));
        silo.Faults().Partition(cutOff);

        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        output.WriteLine($"ended {done.Status} {done.FailureReason} {done.ErrorMessage} on {done.WorkerId}; cut off: {cutOff}");
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.NotEqual(cutOff, done.WorkerId);

        // The cut-off worker's run reports now, late; the job ignores it.
        holdBack.Dispose();
        var logs = await WaitForLogAsync(silo, job.JobId, $"ignored a report from worker {cutOff}");
        foreach (var line in logs)
        {
            output.WriteLine($"{line.Timestamp:HH:mm:ss.fff} {line.Level} [{line.Attempt}] {line.Message}");
        }

        Assert.Contains(logs, l => l.Message.StartsWith($"ignored a report from worker {cutOff}", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Message.StartsWith("completed", StringComparison.Ordinal));
        var final = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client);
        Assert.Equal(done.WorkerId, final.WorkerId);
        Assert.Equal(done.CompletedAt, final.CompletedAt);
    }

    /// <summary>The job's log once a line starting with <paramref name="prefix"/> is in it (the log as it stands after
    /// two minutes otherwise, for the assertion to print).</summary>
    private static async Task<List<JobLogEntry>> WaitForLogAsync(MarketplaceTestSilo silo, string jobId, string prefix)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var logs = await silo.Grains.LogsAsync(jobId);
            if (logs.Any(l => l.Message.StartsWith(prefix, StringComparison.Ordinal)) || patience.IsCancellationRequested)
            {
                return logs;
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A20_TheSameRequestIdWithTheSameBodyReturnsTheSameJobAndRunsItOnceAndAnotherBodyConflicts()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1").Worker("w2"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var submits = Enumerable.Range(0, 8).Select(_ => silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "order-42"; s.InputInline = [1, 2, 3]; }))).ToList();
        var infos = await Task.WhenAll(submits);
        Assert.Single(infos.Select(i => i.JobId).Distinct());
        var done = await silo.Grains.WaitTerminalAsync(infos[0].JobId);
        var again = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "order-42"; s.InputInline = [1, 2, 3]; }));
        Assert.Equal(done.JobId, again.JobId);

        // The same request id with another body is a conflict, never silently the first job; one field is enough.
        var other = await Assert.ThrowsAsync<RequestIdConflictException>(() => silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "order-42"; s.InputInline = [9]; })));
        Assert.Equal("request_id_conflict", other.Code);
        await Assert.ThrowsAsync<RequestIdConflictException>(() => silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "order-42"; s.InputInline = [1, 2, 3]; s.Env = new() { ["A"] = "1" }; })));
        await Assert.ThrowsAsync<RequestIdConflictException>(() => silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "order-42"; s.InputInline = [1, 2, 3]; s.MaxRetries = 1; })));
        Assert.Equal(JobStatus.Completed, again.Status);
        Assert.Equal(done.CompletedAt, again.CompletedAt);
        await Task.Delay(200);
        var logs = await silo.Grains.LogsAsync(done.JobId);
        Assert.Single(logs, l => l.Message.Contains("assigned to worker", StringComparison.Ordinal));
        Assert.Single((await silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client).ListAsync(null, null, 100)).Jobs);
    }

    [Fact]
    public async Task A21_AMissingProgramIsRetriedWithBackoffThenFailsWithMissingDependency()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var missing = "prog" + new string('7', 64);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(missing, s => s.MaxRetries = 2));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(FailureReason.MissingDependency, done.FailureReason);
        Assert.Equal(2, done.RetryCount);
        var logs = await silo.Grains.LogsAsync(job.JobId);
        foreach (var line in logs)
        {
            output.WriteLine($"{line.Timestamp:HH:mm:ss.fff} {line.Level} [{line.Attempt}] {line.Message}");
        }

        var failures = logs.Where(l => l.Message.StartsWith("attempt ", StringComparison.Ordinal) && l.Message.Contains("failed (MissingDependency)", StringComparison.Ordinal)).ToList();
        Assert.Equal([1, 2, 3], failures.Select(l => l.Attempt));
        var retries = logs.Where(l => l.Message.StartsWith("retry ", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.Equal(2, retries.Count);
        Assert.StartsWith("retry 1 of 2 in 50 ms", retries[0]);
        Assert.StartsWith("retry 2 of 2 in 100 ms", retries[1]);

        // Backoff really waited: attempt 3 started at least 50 + 100 ms after attempt 1 failed.
        Assert.True(failures[2].Timestamp - failures[0].Timestamp >= TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task A22_CancellingAPendingJobMeansItNeverRunsAndCancellingAFinishedJobIsAConflict()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", region: "earth"));
        var quick = await JobsKit.DeployAsync(silo, "quick");

        // No worker is on Mars: the job waits in matching/backoff and is cancelled before it can run.
        var pending = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.Constraints["region"] = "mars"; s.MaxRetries = 10; }));
        Assert.True(pending.Status is JobStatus.Pending or JobStatus.Matching);
        var cancelled = await silo.Grains.GetGrain<IJobGrain>(pending.JobId).CancelAsync(JobsKit.Client);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.NotNull(cancelled.CompletedAt);
        await Task.Delay(300);
        var later = await silo.Grains.GetGrain<IJobGrain>(pending.JobId).GetAsync(JobsKit.Client);
        Assert.Equal(JobStatus.Cancelled, later.Status);
        Assert.Null(later.StartedAt);
        Assert.DoesNotContain(await silo.Grains.LogsAsync(pending.JobId), l => l.Message.Contains("assigned", StringComparison.Ordinal));

        var finished = await silo.Grains.SubmitAsync(JobsKit.Job(quick));
        await silo.Grains.WaitTerminalAsync(finished.JobId);
        var conflict = await Assert.ThrowsAsync<JobConflictException>(() => silo.Grains.GetGrain<IJobGrain>(finished.JobId).CancelAsync(JobsKit.Client));
        Assert.Contains("already terminal (completed)", conflict.Message);
        await Assert.ThrowsAsync<JobConflictException>(() => silo.Grains.GetGrain<IJobGrain>(pending.JobId).CancelAsync(JobsKit.Client));
    }

    [Fact]
    public async Task A23_AJobNeverScheduledExpiresAtItsTtl()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", region: "earth"));
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.Constraints["region"] = "mars"; s.MaxRetries = 10; s.TtlMs = 400; }));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.Equal(JobStatus.Expired, done.Status);
        Assert.StartsWith("expired: not started within its ttl of 400 ms", done.ErrorMessage);
        Assert.Equal(FailureReason.NoEligibleWorker, done.FailureReason);
        Assert.True(done.CompletedAt - done.CreatedAt >= TimeSpan.FromMilliseconds(400));
        Assert.Equal("needs region=mars, worker w1 has region=earth", Assert.Single(done.Ineligible).Reason);
    }
}
