using System.Threading.Channels;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A client's finished jobs pushed to its subscribed observers by its job list.</summary>
public sealed class JobEventsTests
{
    [Fact]
    public async Task EachFinishedJobIsPushedOnceAfterTheListShowsIt()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1", maxMemoryBytes: 64L << 20));
        var program = await JobsKit.DeployAsync(silo, "quick");
        var heard = new Recorder();
        var list = silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);
        await list.SubscribeAsync(silo.Grains.CreateObjectReference<IJobEventsObserver>(heard));

        var ok = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.RequestId = "ok"));
        var first = await heard.NextAsync();
        Assert.Equal(ok.JobId, first.JobId);
        Assert.Equal(JobStatus.Completed, first.Status);
        Assert.NotNull(first.CompletedAt);
        Assert.Equal(JobStatus.Completed, Assert.Single((await list.ListAsync(JobStatus.Completed, null, 10)).Jobs).Status);

        // A job that fails (no worker offers that much memory) is reported with its terminal status, once.
        var failed = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = "big"; s.MaxMemoryBytes = 128L << 20; }));
        var second = await heard.NextAsync();
        Assert.Equal(failed.JobId, second.JobId);
        Assert.Equal(JobStatus.Failed, second.Status);
        Assert.Equal(JobStatus.Failed, (await silo.Grains.WaitTerminalAsync(failed.JobId)).Status);

        // Resubmitting a finished job's request id returns it and reports nothing new.
        await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.RequestId = "ok"));
        var third = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.RequestId = "third"));
        Assert.Equal(third.JobId, (await heard.NextAsync()).JobId);
        Assert.Equal(3, heard.Count);
    }

    [Fact]
    public async Task AnUnsubscribedObserverHearsNothingMore()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var program = await JobsKit.DeployAsync(silo, "quick");
        var list = silo.Grains.GetGrain<IClientJobsGrain>(JobsKit.Client);
        var leaving = new Recorder();
        var staying = new Recorder();
        var leavingRef = silo.Grains.CreateObjectReference<IJobEventsObserver>(leaving);
        await list.SubscribeAsync(leavingRef);
        await list.SubscribeAsync(silo.Grains.CreateObjectReference<IJobEventsObserver>(staying));

        var one = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.RequestId = "one"));
        Assert.Equal(one.JobId, (await leaving.NextAsync()).JobId);
        Assert.Equal(one.JobId, (await staying.NextAsync()).JobId);

        await list.UnsubscribeAsync(leavingRef);
        var two = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.RequestId = "two"));
        Assert.Equal(two.JobId, (await staying.NextAsync()).JobId);
        var three = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => s.RequestId = "three"));
        Assert.Equal(three.JobId, (await staying.NextAsync()).JobId);
        Assert.Equal(1, leaving.Count);
    }

    /// <summary>Records what it hears; <see cref="NextAsync"/> waits for the next one (up to 60 s).</summary>
    private sealed class Recorder : IJobEventsObserver
    {
        private readonly Channel<JobSummary> _heard = Channel.CreateUnbounded<JobSummary>();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task JobFinishedAsync(JobSummary job)
        {
            Interlocked.Increment(ref _count);
            _heard.Writer.TryWrite(job);
            return Task.CompletedTask;
        }

        public async Task<JobSummary> NextAsync() =>
            await _heard.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
    }
}
