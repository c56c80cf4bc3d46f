using System.Collections.Concurrent;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.Verification;
using Marketplace.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Committee;

/// <summary>Committee members whose silo takes a request and never answers (a host that died and is not declared
/// dead yet): the verification gives up on them within its own bound and replaces them, and no call of the job waits
/// for them; a verification start that never answers is asked again by the job's timer.</summary>
public sealed class UnreachableMemberTests
{
    private static readonly byte[] Input = Encoding.UTF8.GetBytes("hello world");

    [Fact]
    public async Task Members_whose_silo_never_answers_are_replaced_and_the_job_is_verified_without_waiting_for_them()
    {
        // The first two members asked never answer the ask (held until the test ends). Grain calls here wait up to
        // 10 minutes for an answer, so only the verification's own bound can let the job go on.
        using var blackHole = new UnansweredAsks(executor: "w1", count: 2);
        await using var silo = await CommitteeKit.StartAsync(
            new Tampering(),
            2,
            settings => settings
                .Set("Marketplace:Messaging:ResponseTimeout", "00:10:00")
                .Set("Marketplace:Jobs:CommitteeMemberCallTimeout", "00:00:01"),
            services => services.AddSingleton<IIncomingGrainCallFilter>(blackHole),
            "w1",
            "w2",
            "w3",
            "w4",
            "w5");
        var (done, describe) = await RunVerifiedAsync(silo);

        // Both unanswered members were given up on by the bound, while their asks were still held.
        var held = blackHole.Held;
        Assert.Equal(2, held.Count);
        Assert.False(blackHole.Released);
        var logs = await silo.Grains.LogsAsync(done.JobId);
        foreach (var member in held)
        {
            Assert.Contains(logs, l => l.Message == $"committee member {member} is unavailable: refused the re-execution: its silo did not take the request within 1 s");
            Assert.DoesNotContain(member, done.Verification!.Signers);
        }

        // The two replacements re-executed and signed with the executor.
        Assert.Equal(3, done.Verification!.Signers.Count);
        Assert.Contains("w1", done.Verification.Signers);
        var aggregated = await silo.Grains.GetGrain<IJobGrain>(done.JobId).GetAggregatedReceiptAsync(JobsKit.Client);
        Assert.NotNull(aggregated);
        Assert.True(CommitteeKit.Verifies(aggregated), describe);
    }

    [Fact]
    public async Task A_verification_start_that_times_out_is_asked_again_by_the_job_and_the_job_is_verified()
    {
        var failStart = new FailFirstStart();
        await using var silo = await CommitteeKit.StartAsync(
            new Tampering(),
            2,
            null,
            services => services.AddSingleton<IIncomingGrainCallFilter>(failStart),
            "w1",
            "w2",
            "w3");
        var (done, describe) = await RunVerifiedAsync(silo);
        Assert.Equal(3, done.Verification!.Signers.Count);
        Assert.Equal(1, failStart.Failed);
        var logs = await silo.Grains.LogsAsync(done.JobId);
        Assert.Single(logs, l => l.Message.StartsWith("the verification did not take its start (TimeoutException)", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Message.StartsWith("committee of 2 (asked 2) drawn", StringComparison.Ordinal));
    }

    /// <summary>Runs the echo program once and checks it completed verified; returns the job and its description
    /// (for failure messages).</summary>
    private static async Task<(JobInfo Done, string Describe)> RunVerifiedAsync(MarketplaceTestSilo silo)
    {
        var program = await CommitteeKit.DeployEchoAsync(silo);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.InputInline = Input));
        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(60));
        var describe = await silo.Grains.DescribeAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, describe);
        Assert.Equal(VerificationState.Verified, done.Verification!.State);
        return (done, describe);
    }

    /// <summary>Fails the first start of a job's verification with a timeout before it reaches the grain.</summary>
    private sealed class FailFirstStart : IIncomingGrainCallFilter
    {
        private int _failed;

        public int Failed => Volatile.Read(ref _failed);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(IJobVerificationGrain)
                && context.InterfaceMethod.Name == nameof(IJobVerificationGrain.StartAsync)
                && Interlocked.CompareExchange(ref _failed, 1, 0) == 0)
            {
                throw new TimeoutException("the start was lost on its way");
            }

            return context.Invoke();
        }
    }

    /// <summary>Holds the worker grain's <see cref="IWorkerGrain.AttestAsync"/> of the first <c>count</c> workers
    /// other than the executor until disposed, as a silo that took the message and went silent would.</summary>
    private sealed class UnansweredAsks(string executor, int count) : IIncomingGrainCallFilter, IDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);
        private readonly object _gate = new();

        public List<string> Held => [.. _held.Keys];

        public bool Released => _release.Task.IsCompleted;

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IWorkerGrain.AttestAsync) && Hold(context.TargetId.Key.ToString()!))
            {
                await _release.Task;
            }

            await context.Invoke();
        }

        public void Dispose() => _release.TrySetResult();

        private bool Hold(string workerId)
        {
            if (workerId == executor)
            {
                return false;
            }

            lock (_gate)
            {
                return _held.Count < count && _held.TryAdd(workerId, 0);
            }
        }
    }
}
