using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A worker's run slot is free once the run's report is sent: a job slow to answer its report (its settlement
/// waiting for a chain) does not keep the worker from running the next attempt, and still completes from that report.</summary>
public sealed class ReportHandOffTests
{
    [Fact]
    public async Task AWorkerWithOneSlotRunsTheNextJobWhileTheFirstJobStillHandlesItsReport()
    {
        using var hold = new HeldReport();
        await using var silo = await MarketplaceTestSilo.StartAsync(
            new JobsSettings().Worker("w1", capacity: 1).Values,
            services => services.AddSingleton<IIncomingGrainCallFilter>(hold));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var quick = await JobsKit.DeployAsync(silo, "quick");

        var first = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "first"));
        hold.JobId = first.JobId;
        Assert.Equal(first.JobId, await hold.Held.WaitAsync(TimeSpan.FromSeconds(60)));

        // The first job's turn is held inside its report; the worker's only slot must be free for the second.
        var second = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "second"));
        var secondDone = await silo.Grains.WaitTerminalAsync(second.JobId, TimeSpan.FromSeconds(60));
        Assert.True(secondDone.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(second.JobId));
        Assert.Equal("w1", secondDone.WorkerId);
        Assert.False(hold.Released, "the second job completed only after the first report was let go");

        hold.Release();
        var firstDone = await silo.Grains.WaitTerminalAsync(first.JobId, TimeSpan.FromSeconds(60));
        Assert.True(firstDone.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(first.JobId));
        Assert.Equal("w1", firstDone.WorkerId);
        Assert.Equal(0, firstDone.RetryCount);
    }

    /// <summary>Holds the report of one job inside the job's turn until released.</summary>
    private sealed class HeldReport : IIncomingGrainCallFilter, IDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<string> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile string? JobId;

        public Task<string> Held => _held.Task;

        public bool Released => _release.Task.IsCompleted;

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.MethodName == nameof(IJobAttemptGrain.ReportAttemptAsync)
                && JobId is { } jobId
                && context.TargetId.Key.ToString() == jobId
                && _held.TrySetResult(jobId))
            {
                await _release.Task;
            }

            await context.Invoke();
        }

        public void Release() => _release.TrySetResult();

        public void Dispose() => Release();
    }
}
