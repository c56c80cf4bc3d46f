using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>How a worker hears of its reputation: a bad event at once, good events at most once per
/// <c>GoodEventPushInterval</c>, the last push carrying every event recorded before it.</summary>
public sealed class ReputationPushTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Good_events_within_the_interval_are_not_pushed_one_by_one_and_a_bad_event_is_pushed_at_once()
    {
        var pushes = new PushRecorder();
        var settings = new JobsSettings().Worker("p1")
            .Set("Marketplace:Reputation:RefreshInterval", "02:00:00")
            .Set("Marketplace:Reputation:GoodEventPushInterval", "01:00:00");
        await using var silo = await ReputationKit.StartAsync(new ManualClock(DateTimeOffset.UtcNow), settings, pushes);

        // The grain's first push goes at once; four more successes within the hour wait for the interval's end.
        await silo.Grains.RecordAsync("p1", ReputationEventKind.Success, 1);
        await pushes.WaitForAsync("p1", 1).WaitAsync(Bound);
        await silo.Grains.RecordAsync("p1", ReputationEventKind.Success, 4);

        // A failure is pushed at once, carrying the four successes with it: no push was sent for them.
        await silo.Grains.RecordAsync("p1", ReputationEventKind.Failure, 1);
        await pushes.WaitForAsync("p1", 6).WaitAsync(Bound);
        Assert.Equal([1L, 6L], pushes.Of("p1"));
        var reputation = await silo.Grains.GetGrain<IReputationGrain>("p1").GetAsync();
        var worker = await silo.Grains.WaitWorkerAsync("p1", w => Math.Abs(w.Reputation - reputation.Score) < 1e-9);
        Assert.Equal(reputation.Score, worker.Reputation, 9);
    }

    [Fact]
    public async Task Successes_recorded_faster_than_the_interval_reach_the_worker_in_one_push_at_its_end()
    {
        var pushes = new PushRecorder();
        var interval = TimeSpan.FromSeconds(2);
        var settings = new JobsSettings().Worker("p2")
            .Set("Marketplace:Reputation:GoodEventPushInterval", "00:00:02");
        await using var silo = await ReputationKit.StartAsync(new ManualClock(DateTimeOffset.UtcNow), settings, pushes);

        const int Events = 20;
        var watch = Stopwatch.StartNew();
        await silo.Grains.RecordAsync("p2", ReputationEventKind.Success, Events);
        var recording = watch.Elapsed;

        // The last event reaches the worker by the timer at the end of an interval, not by a push of its own.
        await pushes.WaitForAsync("p2", Events).WaitAsync(Bound);
        var heard = pushes.Of("p2");
        Assert.Equal(Events, heard[^1]);

        // One push at once, then at most one per interval begun while the events were recorded.
        var most = 2 + (int)(recording / interval);
        Assert.True(heard.Count <= most && heard.Count < Events,
            $"{heard.Count} pushes ({string.Join(", ", heard)}) for {Events} successes recorded in {recording.TotalMilliseconds:0} ms; at most {most}");
        Assert.Equal(heard.Order().ToList(), heard);
    }

    /// <summary>Records the event count of every reputation pushed to a worker grain.</summary>
    internal sealed class PushRecorder : IIncomingGrainCallFilter
    {
        private readonly ConcurrentDictionary<string, List<long>> _heard = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<(string, long), TaskCompletionSource> _waits = new();

        public Task WaitForAsync(string workerId, long eventCount) =>
            _waits.GetOrAdd((workerId, eventCount), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public List<long> Of(string workerId)
        {
            var heard = _heard.GetOrAdd(workerId, _ => []);
            lock (heard)
            {
                return [.. heard];
            }
        }

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.MethodName == nameof(IWorkerGrain.ReputationChangedAsync)
                && context.Request.GetArgument(0) is WorkerReputation reputation)
            {
                var heard = _heard.GetOrAdd(reputation.WorkerId, _ => []);
                lock (heard)
                {
                    heard.Add(reputation.EventCount);
                }

                _waits.GetOrAdd((reputation.WorkerId, reputation.EventCount), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }

            return context.Invoke();
        }
    }
}
