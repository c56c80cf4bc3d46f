using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Jobs.Verification;
using Marketplace.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;
using Xunit;

namespace Marketplace.Grains.Tests.Committee;

/// <summary>The job's verification in a grain of its own: what it stores, when it drops it, and a committee a job
/// stored inside its own state (before verification had a grain) carried on by the verification grain.</summary>
public sealed class JobVerificationGrainTests
{
    private static readonly byte[] Input = Encoding.UTF8.GetBytes("hello world");

    [Fact]
    public async Task The_draw_is_stored_before_the_job_hears_of_it_and_the_record_goes_once_the_job_ended()
    {
        using var tampering = new Tampering { SilenceFirstMemberBesides = "w1" };
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3");
        var (job, stored) = await SubmitOneMemberAnsweredAsync(silo);
        var silenced = tampering.Silenced;
        Assert.NotNull(silenced);
        Assert.Equal(SeatStatus.Pending, stored.Committee.Seats.Single(s => s.WorkerId == silenced).Status);
        Assert.Equal(3, stored.Committee.Seats.Count);
        Assert.Equal(CommitteeRole.Executor, stored.Committee.Seats[0].Role);
        Assert.Equal(job.JobId, stored.Start!.Run.JobId);
        Assert.Null(stored.Verdict);
        var running = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAsync(JobsKit.Client);
        Assert.Equal(VerificationState.Verifying, running.Verification!.State);

        tampering.Release();
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(VerificationState.Verified, done.Verification!.State);
        Assert.Equal(3, done.Verification.Signers.Count);

        // The verdict is the job's now: the verification's record is gone from storage.
        var (_, exists) = await ReadVerificationAsync(silo, job.JobId);
        Assert.False(exists);
        var step = await silo.Grains.GetGrain<IJobVerificationGrain>(job.JobId).TickAsync(DateTimeOffset.UtcNow, 0);
        Assert.True(step.Unknown);

        // Each of the verification's lines is in the job's history once.
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Single(logs, l => l.Message.StartsWith("committee of 2 (asked 2) drawn", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Message.StartsWith("the committee settled: 3 of 3 runs signed", StringComparison.Ordinal));
        var history = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetHistoryAsync(JobsKit.Client);
        Assert.True(JobHistoryChain.Verify(history).IsValid);
    }

    [Fact]
    public async Task A_committee_stored_inside_the_job_is_carried_on_by_the_verification_grain()
    {
        using var tampering = new Tampering { SilenceFirstMemberBesides = "w1" };
        await using var silo = await CommitteeKit.StartAsync(tampering, 2, "w1", "w2", "w3");
        var (job, stored) = await SubmitOneMemberAnsweredAsync(silo);

        // Make the job's stored state the form a job verifying before this version has: the committee inside the
        // job's own state, nothing under the verification grain.
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var jobId = silo.Grains.GetGrain<IJobGrain>(job.JobId).GetGrainId();
        var before = new GrainState<JobState>();
        await storage.ReadStateAsync("job", jobId, before);
        await silo.DeactivateJobAsync(job.JobId);
        var jobState = await WaitWrittenAfterAsync(storage, jobId, before.ETag);
        Assert.NotNull(jobState.State);
        jobState.State.Committee = stored.Committee;
        jobState.State.VerificationOpen = false;
        jobState.State.VerificationLogsTaken = 0;
        await storage.WriteStateAsync("job", jobId, jobState);
        var verification = silo.Grains.GetGrain<IJobVerificationGrain>(job.JobId);
        await verification.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var verificationState = new GrainState<JobVerificationState>();
        await storage.ReadStateAsync("job-verification", verification.GetGrainId(), verificationState);
        await storage.ClearStateAsync("job-verification", verification.GetGrainId(), verificationState);

        // The silenced member answers now, to a job activated from the old form. The member that agreed is asked
        // again (the record holds the draw, not its answer) and agrees again.
        tampering.Release();
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(VerificationState.Verified, done.Verification!.State);
        Assert.Equal(3, done.Verification.Signers.Count);
        Assert.Contains(tampering.Silenced!, done.Verification.Signers);
        var aggregated = await silo.Grains.GetGrain<IJobGrain>(job.JobId).GetAggregatedReceiptAsync(JobsKit.Client);
        Assert.NotNull(aggregated);
        Assert.True(CommitteeKit.Verifies(aggregated));
        var logs = await silo.Grains.LogsAsync(job.JobId);
        Assert.Contains(logs, l => l.Message == "the committee stored with the job is carried on by the job's verification");
        var (_, exists) = await ReadVerificationAsync(silo, job.JobId);
        Assert.False(exists);
    }

    [Fact]
    public async Task A_start_whose_draw_failed_part_way_is_started_again_and_the_job_is_verified()
    {
        var faults = new FirstRegistryReadOfAVerificationFails();
        var (done, logs) = await RunVerifiedEchoAsync(faults);

        Assert.Equal(1, faults.Failed);
        Assert.Equal(["w1", "w2"], done.Verification!.Signers.Order(StringComparer.Ordinal));
        Assert.Contains(logs, l => l.Message.StartsWith("the verification did not take its start (SiloUnavailableException)", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Message.StartsWith("committee of 1 (asked 1) drawn", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Message.StartsWith("the committee disagrees", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_verification_step_that_keeps_failing_says_so_in_the_jobs_log_once_per_cause()
    {
        var faults = new FirstRegistryReadOfAVerificationFails { FailedTicks = 2 };
        var (_, logs) = await RunVerifiedEchoAsync(faults);

        Assert.Equal(3, faults.Failed);
        var failure = Assert.Single(logs, l => l.Message.StartsWith("the job's verification step failed", StringComparison.Ordinal));
        Assert.StartsWith("the job's verification step failed (InvalidOperationException: injected: the verification's tick failed); it is tried again every ", failure.Message, StringComparison.Ordinal);
        Assert.Equal("warn", failure.Level);
    }

    /// <summary>Runs one echo job with a committee of one on a silo of workers w1 and w2 with <paramref name="faults"/>
    /// among its outgoing calls, and checks it ended completed and verified.</summary>
    private static async Task<(JobInfo Done, List<JobLogEntry> Logs)> RunVerifiedEchoAsync(IOutgoingGrainCallFilter faults)
    {
        using var tampering = new Tampering();
        await using var silo = await CommitteeKit.StartAsync(tampering, 1, null, services => services.AddSingleton(faults), "w1", "w2");
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = Input));

        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));

        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.Equal(VerificationState.Verified, done.Verification!.State);
        return (done, await silo.Grains.LogsAsync(job.JobId));
    }

    [Fact]
    public void A_committee_request_copies_every_field_of_the_run_but_its_token_and_state_root()
    {
        var run = new JobAssignment
        {
            JobId = "j",
            AttemptId = "a",
            Attempt = 3,
            ProgramId = "p",
            InputBlobId = "b",
            InputInline = [1, 2],
            MaxFuel = 4,
            MaxMemoryBytes = 5,
            TimeoutMs = 6,
            TraceParent = "tp",
            TraceState = "ts",
            Args = ["x"],
            Env = new() { ["k"] = "v" },
            CreatedAt = DateTimeOffset.UnixEpoch.AddDays(1),
            ClientId = "c",
            StateRoot = null,
            InputDealId = "d",
        };

        var request = run.ForAttempt("r", "root");

        Assert.Equal(("r", "root"), (request.AttemptId, request.StateRoot));
        foreach (var property in typeof(JobAssignment).GetProperties())
        {
            if (property.Name is nameof(JobAssignment.AttemptId) or nameof(JobAssignment.StateRoot))
            {
                continue;
            }

            Assert.Equal(property.GetValue(run), property.GetValue(request));
        }
    }

    /// <summary>Submits an echo job and waits until the job heard one member agree while the other (silenced) is
    /// pending, then reads the stored record: the draw, written before the job heard of it (answers are kept in
    /// memory). A long timeout: the silenced member's seat stays pending while the test looks.</summary>
    private static async Task<(JobInfo Job, JobVerificationState Stored)> SubmitOneMemberAnsweredAsync(MarketplaceTestSilo silo)
    {
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.InputInline = Input; s.TimeoutMs = 120_000; }));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await silo.Grains.LogsAsync(job.JobId)).Any(l => l.Message.Contains(") agreed with receipt ", StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("no member agreed: " + await silo.Grains.DescribeAsync(job.JobId));
            }

            await Task.Delay(20);
        }

        return (job, await WaitStoredAsync(silo, job.JobId, c => c.Seats.Count == 3));
    }

    private static async Task<(JobVerificationState State, bool Exists)> ReadVerificationAsync(MarketplaceTestSilo silo, string jobId)
    {
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var state = new GrainState<JobVerificationState>();
        await storage.ReadStateAsync("job-verification", silo.Grains.GetGrain<IJobVerificationGrain>(jobId).GetGrainId(), state);
        return (state.State ?? new JobVerificationState(), state.RecordExists);
    }

    /// <summary>The verification's stored record once it satisfies <paramref name="condition"/> (bounded wait).</summary>
    private static async Task<JobVerificationState> WaitStoredAsync(MarketplaceTestSilo silo, string jobId, Func<CommitteeRecord, bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (state, exists) = await ReadVerificationAsync(silo, jobId);
            if (exists && condition(state.Committee))
            {
                return state;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("the verification never stored the awaited record: " + await silo.Grains.DescribeAsync(jobId));
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The job's stored state once a write after <paramref name="etag"/> landed (its deactivation's).</summary>
    private static async Task<GrainState<JobState>> WaitWrittenAfterAsync(IGrainStorage storage, GrainId jobId, string? etag)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var state = new GrainState<JobState>();
            await storage.ReadStateAsync("job", jobId, state);
            if (state.ETag != etag)
            {
                return state;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("the job's deactivation never wrote its state");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>The first read of the key registry a job's verification makes fails as when the worker directory's silo
/// died under the draw (the verification's start has already begun in memory then).</summary>
internal sealed class FirstRegistryReadOfAVerificationFails : IOutgoingGrainCallFilter
{
    private int _failed;
    private int _ticksFailed;

    /// <summary>After the failed read, how many of the job's ticks of its verification fail too (with an error that
    /// is not the cluster's).</summary>
    public int FailedTicks { get; init; }

    /// <summary>Calls failed: the registry read and the ticks.</summary>
    public int Failed => Volatile.Read(ref _failed) + Volatile.Read(ref _ticksFailed);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IWorkerDirectoryGrain.GetKeyRegistryAsync)
            && context.SourceId is { } source && source.Type.ToString() == "jobverification"
            && Interlocked.CompareExchange(ref _failed, 1, 0) == 0)
        {
            throw new SiloUnavailableException("injected: the worker directory's silo died");
        }

        if (context.InterfaceMethod?.DeclaringType == typeof(IJobVerificationGrain)
            && context.InterfaceMethod.Name == nameof(IJobVerificationGrain.TickAsync)
            && Volatile.Read(ref _ticksFailed) < FailedTicks && Interlocked.Increment(ref _ticksFailed) <= FailedTicks)
        {
            throw new InvalidOperationException("injected: the verification's tick failed");
        }

        return context.Invoke();
    }
}
