using Marketplace.GrainInterfaces;
using Marketplace.Grains.Reputation;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Xunit;
using Xunit.Abstractions;

using static Marketplace.Grains.Tests.Reputation.ReputationKit;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>Kept events live in sealed pages of their own, so the reputation grain's record, written per event, holds
/// only the newest ones: the events, score and bound are as before, across a restart, and a record stored by an
/// earlier version (every kept event in it) is read and paged.</summary>
public sealed class ReputationPagesTests(ITestOutputHelper output)
{
    private const int MaxEvents = 150;

    [Fact]
    public async Task TheRecordHoldsOnlyTheNewestEventsAndTheKeptOnesSurviveARestart()
    {
        const int seed = 4242;
        output.WriteLine($"seed {seed}");
        var time = new ManualClock(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        await using var silo = await StartAsync(time, Settings());
        var w = "rep-pages-" + Guid.NewGuid().ToString("N")[..8];
        var random = new Random(seed);
        var all = new List<ReputationEvent>();
        for (var i = 0; i < 400; i++)
        {
            var kind = random.Next(0, 10) == 0 ? ReputationEventKind.Failure : ReputationEventKind.Success;
            var e = Event(w, kind, time: time.GetUtcNow(), latencyMs: kind == ReputationEventKind.Success ? 5 + i : 0);
            Assert.True(await silo.Grains.GetGrain<IReputationGrain>(w).RecordAsync(e));
            all.Add(e);
            time.Advance(TimeSpan.FromMinutes(random.Next(1, 30)));
        }

        var before = await silo.Grains.GetGrain<IReputationGrain>(w).GetAsync();
        var kept = await silo.Grains.EventsAsync(w);
        Assert.Equal(Enumerable.Range(251, MaxEvents).Select(i => (long)i), kept.Select(e => e.Sequence));
        Assert.Equal(all.Skip(250).Select(e => e.EventId), kept.Select(e => e.EventId));
        Assert.Equal(before.Score, ReputationScore.Of(before.Parameters, null, all, before.EvaluatedAt), 12);

        // The record itself: fewer than a page of events; the pages it names hold the rest of the kept ones; the pages
        // folded away are gone from storage.
        var record = await ReadRecordAsync(silo, w);
        Assert.InRange(record.Events.Count, 0, ReputationGrain.PageEvents - 1);
        Assert.Equal(MaxEvents, record.Pages.Sum(p => p.Count - p.Folded) + record.Events.Count);
        var pages = Pages(silo);
        foreach (var page in record.Pages)
        {
            Assert.NotNull(await pages.ReadAsync($"{w}/{page.Number}"));
        }

        for (var number = 0L; number < record.Pages[0].Number; number++)
        {
            Assert.Null(await pages.ReadAsync($"{w}/{number}"));
        }

        await silo.RestartAsync();
        var after = await silo.Grains.GetGrain<IReputationGrain>(w).GetAsync();
        Assert.Equal(before.Score, after.Score, 12);
        Assert.Equal(kept.Select(e => e.EventId), (await silo.Grains.EventsAsync(w)).Select(e => e.EventId));

        // Idempotence still holds for an event kept in a page.
        Assert.False(await silo.Grains.GetGrain<IReputationGrain>(w).RecordAsync(kept[0]));
    }

    [Fact]
    public async Task ARecordWithEveryKeptEventInItIsReadAndPagedOnItsNextWrite()
    {
        var time = new ManualClock(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        await using var silo = await StartAsync(time, Settings());
        var w = "rep-old-" + Guid.NewGuid().ToString("N")[..8];

        // The record as the earlier version stored it: 140 events in the record, no pages.
        var old = new ReputationState { LastSequence = 140 };
        for (var i = 1; i <= 140; i++)
        {
            old.Events.Add(new ReputationEvent { EventId = "old-" + i, WorkerId = w, Kind = ReputationEventKind.Success, Time = time.GetUtcNow(), Sequence = i });
            old.Counts.Add(ReputationEventKind.Success);
        }

        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        await storage.WriteStateAsync("reputation", silo.Grains.GetGrain<IReputationGrain>(w).GetGrainId(), new GrainState<ReputationState>(old));

        Assert.Equal(140, (await silo.Grains.EventsAsync(w)).Count);
        Assert.False(await silo.Grains.GetGrain<IReputationGrain>(w).RecordAsync(Event(w, ReputationEventKind.Success, id: "old-7")));
        Assert.True(await silo.Grains.GetGrain<IReputationGrain>(w).RecordAsync(Event(w, ReputationEventKind.Failure, id: "new-1", time: time.GetUtcNow())));

        var record = await ReadRecordAsync(silo, w);
        Assert.Equal(2, record.Pages.Count);
        Assert.Equal(141 - (2 * ReputationGrain.PageEvents), record.Events.Count);
        var events = await silo.Grains.EventsAsync(w);
        Assert.Equal(Enumerable.Range(1, 141).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal("new-1", events[^1].EventId);
    }

    private static JobsSettings Settings() =>
        new JobsSettings().Set("Marketplace:Jobs:DefaultWorkers", "0").Set("Marketplace:Reputation:MaxEvents", MaxEvents.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static GrainSideRecords<ReputationPage> Pages(MarketplaceTestSilo silo) =>
        new(silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME), "reputation-page", "reputation-page");

    private static async Task<ReputationState> ReadRecordAsync(MarketplaceTestSilo silo, string workerId)
    {
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var state = new GrainState<ReputationState>();
        await storage.ReadStateAsync("reputation", silo.Grains.GetGrain<IReputationGrain>(workerId).GetGrainId(), state);
        Assert.True(state.RecordExists);
        return state.State ?? throw new InvalidOperationException("no record");
    }
}
