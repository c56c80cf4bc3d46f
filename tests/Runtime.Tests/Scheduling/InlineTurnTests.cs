using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Scheduling;

/// <summary>
/// Host code (no activation running on its thread) may run an idle activation's turn on its own thread. These tests
/// check that this keeps every guarantee of a queued turn: one turn at a time, a clean context, no caller state leaking.
/// </summary>
public sealed class InlineTurnTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task SynchronousGrainMethodCompletesTheCallBeforeItReturns()
    {
        var grain = _silo.Grains.GetGrain<IInlineProbeGrain>("sync");
        var completedAtOnce = await Task.Run(async () =>
        {
            var count = 0;
            for (var i = 0; i < 200; i++)
            {
                var call = grain.Echo(i);
                if (call.IsCompleted)
                {
                    count++;
                }

                Assert.Equal(i, await call);
            }

            return count;
        });

        // The first call may activate the grain (queued); afterwards the activation is idle at every call.
        Assert.True(completedAtOnce >= 190, $"only {completedAtOnce} of 200 calls completed without a thread-pool hop");
    }

    [Fact]
    public async Task CallerAsyncLocalsDoNotReachTheGrain()
    {
        var grain = _silo.Grains.GetGrain<IInlineProbeGrain>("locals");
        await grain.Echo(0);
        var seen = await Task.Run(async () =>
        {
            InlineProbeGrain.CallerLocal.Value = "caller";
            var inside = await grain.ReadCallerLocal();
            Assert.Equal("caller", InlineProbeGrain.CallerLocal.Value);
            return inside;
        });

        Assert.Null(seen);
    }

    [Fact]
    public async Task CallerSynchronizationContextIsNeitherSeenNorUsedByTheGrainAndIsRestored()
    {
        var grain = _silo.Grains.GetGrain<IInlineProbeGrain>("sync-context");
        await grain.Echo(0);
        var context = new CountingSynchronizationContext();
        Task<string>? call = null;
        var restored = false;
        await Task.Run(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                call = grain.DescribeContexts();
                restored = ReferenceEquals(SynchronizationContext.Current, context);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        });
        var description = await call!;

        Assert.True(restored);
        Assert.Equal("sync=False,activation=True;sync=False,activation=True", description);
        Assert.Equal(0, context.Posts);
    }

    [Fact]
    public async Task ManyCallerThreadsNeverRunTwoTurnsAtOnce()
    {
        var grain = _silo.Grains.GetGrain<IInlineProbeGrain>("overlap");
        await grain.Echo(0);
        using var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            var max = 0;
            for (var i = 0; i < 300; i++)
            {
                max = Math.Max(max, await grain.EnterAndSpin(200));
            }

            return max;
        })).ToArray();
        start.Set();
        Assert.Equal(1, (await Task.WhenAll(callers)).Max());
    }

    [Fact]
    public async Task AGrainAwaitingManyCallsInOneRequestResumesWithABoundedStack()
    {
        var caller = _silo.Grains.GetGrain<IInlineProbeGrain>("ping");
        var callee = _silo.Grains.GetGrain<IInlineProbeGrain>("pong");
        const int Times = 5000;
        Assert.Equal((long)Times * (Times - 1) / 2, await caller.CallRepeatedly(callee, Times));

        // Each resumption may run on the callee's thread, nested in the frames that completed it; the inline depth
        // bound keeps that nesting from growing with the number of calls.
        var deepest = await caller.DeepestStack();
        Assert.True(deepest < 1000, $"stack grew to {deepest} frames over {Times} calls");
    }

    private sealed class CountingSynchronizationContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(s => d(s), state);
        }
    }
}
