using Marketplace.Grains.Jobs;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>The settlement's call groups: requests wait behind the call under way and go together, unless that call
/// has stalled (its callee's silo died), when they go beside it. Run on one exclusive scheduler, as in a grain.</summary>
public sealed class CallGroupsTests
{
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_that_arrive_while_a_call_answers_in_time_go_together_in_the_next_call()
    {
        var callee = new Callee();
        var time = new FakeTimeProvider();
        await OnGrainScheduler(async () =>
        {
            var groups = new CallGroups<string, string>(callee.SendAsync, 64, time, StalledAfter);
            var first = groups.Add("a");
            var second = groups.Add("b");
            var third = groups.Add("c");
            Assert.Equal(new[] { "a" }, Assert.Single(callee.Calls).Requests);

            callee.Calls[0].Answer();
            Assert.Equal("a!", await first.WaitAsync(Bound));
            Assert.Equal(new[] { "b", "c" }, (await callee.NextCallAsync(1)).Requests);
            callee.Calls[1].Answer();
            Assert.Equal("b!", await second.WaitAsync(Bound));
            Assert.Equal("c!", await third.WaitAsync(Bound));
        });
    }

    [Fact]
    public async Task Requests_waiting_behind_a_stalled_call_go_beside_it_and_later_ones_at_once()
    {
        var callee = new Callee();
        var time = new FakeTimeProvider();
        await OnGrainScheduler(async () =>
        {
            var groups = new CallGroups<string, string>(callee.SendAsync, 64, time, StalledAfter);
            var stuck = groups.Add("a");
            var waiting = groups.Add("b");

            // Not late yet: the request waits behind the call under way.
            time.Advance(StalledAfter - TimeSpan.FromMilliseconds(1));
            await Task.Yield();
            Assert.Single(callee.Calls);

            // Late: the waiting request goes beside it, and its answer does not wait for the stalled one.
            time.Advance(TimeSpan.FromMilliseconds(1));
            var beside = await callee.NextCallAsync(1);
            Assert.Equal(new[] { "b" }, beside.Requests);
            beside.Fail(new TimeoutException("refused at once"));
            await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(Bound));

            // While the stalled call is still under way, a new request is sent at once.
            var next = groups.Add("c");
            var third = await callee.NextCallAsync(2);
            Assert.Equal(new[] { "c" }, third.Requests);
            third.Answer();
            Assert.Equal("c!", await next.WaitAsync(Bound));

            // The stalled call answers after all: its request gets its answer, and the next request waits behind a
            // call under way again.
            callee.Calls[0].Answer();
            Assert.Equal("a!", await stuck.WaitAsync(Bound));
            var d = groups.Add("d");
            var e = groups.Add("e");
            var fourth = await callee.NextCallAsync(3);
            Assert.Equal(new[] { "d" }, fourth.Requests);
            Assert.Equal(4, callee.Calls.Count);
            fourth.Answer();
            Assert.Equal("d!", await d.WaitAsync(Bound));
            (await callee.NextCallAsync(4)).Answer();
            Assert.Equal("e!", await e.WaitAsync(Bound));
        });
    }

    [Fact]
    public async Task At_most_two_calls_are_under_way_when_both_stall()
    {
        var callee = new Callee();
        var time = new FakeTimeProvider();
        await OnGrainScheduler(async () =>
        {
            var groups = new CallGroups<string, string>(callee.SendAsync, 64, time, StalledAfter);
            _ = groups.Add("a");
            var second = groups.Add("b");
            time.Advance(StalledAfter);
            Assert.Equal(new[] { "b" }, (await callee.NextCallAsync(1)).Requests);

            // The second call stalls too (a dead host drops what is sent to it): the rest wait behind the two.
            var third = groups.Add("c");
            time.Advance(StalledAfter);
            await Task.Yield();
            _ = groups.Add("d");
            await Task.Yield();
            Assert.Equal(2, callee.Calls.Count);

            callee.Calls[1].Answer();
            Assert.Equal("b!", await second.WaitAsync(Bound));
            Assert.Equal(new[] { "c", "d" }, (await callee.NextCallAsync(2)).Requests);
            Assert.False(third.IsCompleted);
        });
    }

    /// <summary>Runs <paramref name="test"/> on an exclusive scheduler: the class's turns never overlap, as in a grain
    /// activation.</summary>
    private static Task OnGrainScheduler(Func<Task> test) =>
        Task.Factory.StartNew(test, CancellationToken.None, TaskCreationOptions.None, new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler).Unwrap();

    /// <summary>Records each call; the test answers or fails it.</summary>
    private sealed class Callee
    {
        private readonly object _gate = new();
        private TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<Call> Calls { get; } = [];

        public Task<(string? Result, Exception? Error)[]> SendAsync(string[] requests)
        {
            var call = new Call(requests);
            lock (_gate)
            {
                Calls.Add(call);
                _called.TrySetResult();
            }

            return call.Task;
        }

        /// <summary>Waits until call <paramref name="index"/> (from 0) was made.</summary>
        public async Task<Call> NextCallAsync(int index)
        {
            while (true)
            {
                Task called;
                lock (_gate)
                {
                    if (Calls.Count > index)
                    {
                        return Calls[index];
                    }

                    if (_called.Task.IsCompleted)
                    {
                        _called = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    called = _called.Task;
                }

                await called.WaitAsync(Bound);
            }
        }
    }

    /// <summary>One call of a group.</summary>
    private sealed class Call(string[] requests)
    {
        private readonly TaskCompletionSource<(string? Result, Exception? Error)[]> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string[] Requests { get; } = requests;

        public Task<(string? Result, Exception? Error)[]> Task => _answer.Task;

        public void Answer() => _answer.SetResult(Array.ConvertAll(Requests, r => ((string?)(r + "!"), (Exception?)null)));

        public void Fail(Exception e) => _answer.SetException(e);
    }
}
