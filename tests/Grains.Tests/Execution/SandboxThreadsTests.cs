using Marketplace.Grains.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Execution;

public sealed class SandboxThreadsTests
{
    [Fact]
    public async Task ARunGivesItsResultAndItsExceptionToTheCaller()
    {
        using var threads = new SandboxThreads(TimeSpan.FromSeconds(5));
        Assert.Equal(42, await threads.RunAsync(() => 6 * 7));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => threads.RunAsync<int>(() => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public async Task RunsUseTheirOwnThreadsNotThePool()
    {
        using var threads = new SandboxThreads(TimeSpan.FromSeconds(5));
        Assert.False(await threads.RunAsync(() => Thread.CurrentThread.IsThreadPoolThread));
    }

    [Fact]
    public async Task ConcurrentRunsNeverQueueBehindEachOther()
    {
        using var threads = new SandboxThreads(TimeSpan.FromSeconds(5));
        const int runs = 6; // more than this machine's cores
        using var allStarted = new CountdownEvent(runs);
        using var gate = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, runs).Select(i => threads.RunAsync(() =>
        {
            allStarted.Signal();
            gate.Wait();
            return i;
        })).ToList();

        // Every run holds its thread until the gate opens, so all six must be running at once.
        Assert.True(allStarted.Wait(TimeSpan.FromSeconds(10)), $"only {runs - allStarted.CurrentCount} of {runs} runs started");
        Assert.Equal(runs, threads.ThreadCount);
        gate.Set();
        Assert.Equal(Enumerable.Range(0, runs), await Task.WhenAll(tasks));
    }

    [Fact]
    public async Task AnIdleThreadTakesTheNextRun()
    {
        using var threads = new SandboxThreads(TimeSpan.FromSeconds(30));
        var first = await threads.RunAsync(() => Environment.CurrentManagedThreadId);
        await WaitUntilAsync(() => threads.ThreadCount == 1);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(first, await threads.RunAsync(() => Environment.CurrentManagedThreadId));
        }

        Assert.Equal(1, threads.ThreadCount);
    }

    [Fact]
    public async Task ThreadsEndAfterTheirIdleTimeout()
    {
        using var threads = new SandboxThreads(TimeSpan.FromMilliseconds(50));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => threads.RunAsync(() => { Thread.Sleep(20); return 0; })));
        await WaitUntilAsync(() => threads.ThreadCount == 0);
        Assert.Equal(7, await threads.RunAsync(() => 7)); // a new thread starts after they all ended
    }

    [Fact]
    public async Task ManyRunsFromManyCallersAllCompleteOnce()
    {
        // Short idle timeout so threads retire while callers keep assigning: the hand-over race is exercised.
        using var threads = new SandboxThreads(TimeSpan.FromMilliseconds(1));
        var counts = new int[4000];
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = c; i < counts.Length; i += 4)
            {
                var index = i;
                Assert.Equal(index, await threads.RunAsync(() => { Interlocked.Increment(ref counts[index]); return index; }));
            }
        }));
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public async Task AfterDisposeNewRunsAreRefused()
    {
        var threads = new SandboxThreads(TimeSpan.FromSeconds(5));
        threads.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => threads.RunAsync(() => 1));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 10 s");
            await Task.Delay(5);
        }
    }
}
