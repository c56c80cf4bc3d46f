using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Room that opens on a worker reaches a job that can use it: a waiting job that no longer needs the room
/// (cancelled, or already running elsewhere) passes it on to the next one instead of letting it go unused.</summary>
public sealed class RoomWakeTests
{
    [Fact]
    public async Task RoomOfferedToACancelledJobGoesToTheNextWaitingJob()
    {
        // One slot, no queue; backoff polls ten minutes apart, so within the test only a wake moves a waiting job on.
        using var hold = new HoldFirstRun();
        var settings = new JobsSettings()
            .Worker("w1", capacity: 1, queue: 0)
            .Set("Marketplace:Jobs:BusyWaitBase", "00:10:00")
            .Set("Marketplace:Jobs:WokenWaitMax", "00:10:00");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values, services => services.AddSingleton<IRunResultTampering>(hold));
        await WorkerTests.WaitForWorkersAsync(silo, 1);
        var program = await JobsKit.DeployAsync(silo, "slow_loop");

        var first = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "first"; s.InputInline = JobsKit.Iterations(1_000); }));
        await hold.Held.WaitAsync(TimeSpan.FromSeconds(60)); // the only slot is taken until released
        var cancelled = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "cancelled"; s.InputInline = JobsKit.Iterations(1_000); }));
        await WaitingForRoomAsync(silo, cancelled.JobId);
        var next = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "next"; s.InputInline = JobsKit.Iterations(1_000); }));
        await WaitingForRoomAsync(silo, next.JobId);

        // The cancelled job is first on the worker's waiting list; the room the first job leaves must reach the next.
        Assert.Equal(JobStatus.Cancelled, (await silo.Grains.GetGrain<IJobGrain>(cancelled.JobId).CancelAsync(JobsKit.Client)).Status);
        hold.Dispose();

        Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(first.JobId, TimeSpan.FromSeconds(60))).Status);
        var done = await silo.Grains.WaitTerminalAsync(next.JobId, TimeSpan.FromSeconds(60));
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(next.JobId));
    }

    private static Task WaitingForRoomAsync(MarketplaceTestSilo silo, string jobId) =>
        silo.Grains.WaitAsync(jobId, j => j.Status == JobStatus.Pending && j.Ineligible.Count > 0, TimeSpan.FromSeconds(60));

    /// <summary>Holds the first run's result back until disposed, keeping its slot busy.</summary>
    private sealed class HoldFirstRun : IRunResultTampering, IDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Held => _held.Task;

        public async ValueTask<ProgramRunResult> TamperAsync(string workerId, string jobId, ProgramRunResult result)
        {
            if (_held.TrySetResult())
            {
                await _release.Task;
            }

            return result;
        }

        public byte[] TamperAgreement(string workerId, string jobId, byte[] receiptHash, byte[] signature) => signature;

        public void Dispose() => _release.TrySetResult();
    }
}
