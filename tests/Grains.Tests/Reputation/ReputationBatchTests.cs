using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

using static Marketplace.Grains.Tests.Reputation.ReputationKit;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>Events recorded many to a call: the grain's <c>RecordManyAsync</c> answers each event as
/// <c>RecordAsync</c> would with one write, and the job flow's recorder sends one worker's concurrent events together.</summary>
public sealed class ReputationBatchTests
{
    private static readonly ManualClock Time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_batch_answers_each_event_as_one_call_would_and_its_events_survive_a_restart()
    {
        await using var silo = await StartAsync(Time, new JobsSettings().Set("Marketplace:Jobs:DefaultWorkers", "0"));
        const string w = "batch-worker";
        var grain = silo.Grains.GetGrain<IReputationGrain>(w);
        Assert.True(await grain.RecordAsync(Event(w, ReputationEventKind.Success, id: "seen")));

        var outcomes = await grain.RecordManyAsync(
        [
            Event(w, ReputationEventKind.Success, id: "a", latencyMs: 10),
            Event(w, ReputationEventKind.Success, id: "seen"),
            Event("another-worker", ReputationEventKind.Success, id: "b"),
            Event(w, (ReputationEventKind)99, id: "c"),
            Event(w, ReputationEventKind.VerifiedResult, id: "d"),
            Event(w, ReputationEventKind.Success, id: "a"),
            Event(w, ReputationEventKind.Success, id: "e", time: Time.GetUtcNow().AddHours(1)),
        ]);
        Assert.Equal([true, false, false, false, true, false, false], outcomes.Select(o => o.Recorded));
        Assert.Null(outcomes[0].Error);
        Assert.Null(outcomes[1].Error);
        Assert.Contains("another-worker", outcomes[2].Error, StringComparison.Ordinal);
        Assert.NotNull(outcomes[3].Error);
        Assert.Contains("ahead", outcomes[6].Error, StringComparison.Ordinal);

        await silo.RestartAsync();
        var again = silo.Grains.GetGrain<IReputationGrain>(w);
        Assert.Equal(["seen", "a", "d"], (await silo.Grains.EventsAsync(w)).Select(e => e.EventId));
        Assert.Equal(2, (await again.GetAsync()).Counts.Successes);

        await Assert.ThrowsAsync<InvalidRequestException>(() => again.RecordManyAsync([]));
        await Assert.ThrowsAsync<InvalidRequestException>(() => again.RecordManyAsync([.. Enumerable.Range(0, IReputationGrain.MaxEventsPerCall + 1).Select(i => Event(w, ReputationEventKind.Success))]));
    }

    [Fact]
    public async Task The_recorder_sends_one_workers_concurrent_events_together_and_every_job_hears_its_own_outcome()
    {
        var calls = new CallCounter();
        await using var silo = await StartAsync(Time, new JobsSettings().Set("Marketplace:Jobs:DefaultWorkers", "0"), calls);
        var recorder = silo.Services.GetRequiredService<JobReputationRecorder>();
        const string w = "busy-worker";
        const int events = 200;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, events).Select(i => recorder.RecordAsync(
            i == 7 ? Event(w, (ReputationEventKind)99, id: "bad") : Event(w, ReputationEventKind.Success, id: "job-" + i, latencyMs: 5))));

        Assert.Equal(events - 1, outcomes.Count(o => o is null));
        Assert.Contains("InvalidRequestException", outcomes[7], StringComparison.Ordinal);
        Assert.Equal(events - 1, (await silo.Grains.GetGrain<IReputationGrain>(w).GetAsync()).Counts.Successes);
        var sent = calls.Count(nameof(IReputationGrain.RecordAsync)) + calls.Count(nameof(IReputationGrain.RecordManyAsync));
        Assert.True(sent < events / 2, $"{sent} calls for {events} events");
        Assert.True(calls.Count(nameof(IReputationGrain.RecordManyAsync)) >= 1);

        // One event with nothing else waiting goes alone, as before.
        Assert.Null(await recorder.RecordAsync(Event(w, ReputationEventKind.Success, id: "alone")));
    }

    /// <summary>Counts calls to the reputation grains by method.</summary>
    private sealed class CallCounter : IIncomingGrainCallFilter
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public int Count(string method) => _calls.GetValueOrDefault(method);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(IReputationGrain))
            {
                _calls.AddOrUpdate(context.InterfaceMethod.Name, 1, static (_, n) => n + 1);
            }

            return context.Invoke();
        }
    }
}
