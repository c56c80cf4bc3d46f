using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.TestSupport;
using Xunit;

using static Marketplace.Grains.Tests.Reputation.ReputationKit;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>One silo without workers, 10 events kept per worker, a clock the tests move; each test takes its own
/// worker ids.</summary>
public sealed class ReputationSiloFixture : IAsyncLifetime
{
    private MarketplaceTestSilo? _silo;

    internal ManualClock Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    internal IGrainFactory Grains => (_silo ?? throw new InvalidOperationException("not started")).Grains;

    public async Task InitializeAsync() => _silo = await StartAsync(Time, new JobsSettings().Set("Marketplace:Jobs:DefaultWorkers", "0").Set("Marketplace:Reputation:MaxEvents", "10"));

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

public sealed class ReputationGrainTests(ReputationSiloFixture fixture) : IClassFixture<ReputationSiloFixture>
{
    private static string NewWorker() => "rep-" + Guid.NewGuid().ToString("N")[..12];

    private IReputationGrain Grain(string id) => fixture.Grains.GetGrain<IReputationGrain>(id);

    [Fact]
    public async Task RecordingIsIdempotentByEventId()
    {
        var w = NewWorker();
        var e = Event(w, ReputationEventKind.Timeout, id: ReputationEventIds.ForAttempt("job0123456789abcdef0123456789abcdef", 1, ReputationEventKind.Timeout));
        Assert.True(await Grain(w).RecordAsync(e));
        Assert.False(await Grain(w).RecordAsync(e));
        var r = await Grain(w).GetAsync();
        Assert.Equal(1, r.Counts.Timeouts);
        Assert.Equal(1, r.EventCount);
        Assert.Equal(4.0 / 7, r.Score, 9);
        Assert.Equal("job0123456789abcdef0123456789abcdef/1/timeout", Assert.Single(await fixture.Grains.EventsAsync(w)).EventId);
    }

    [Fact]
    public async Task BadEventsAreRefusedWithTheFieldNamed()
    {
        var w = NewWorker();
        async Task<string> Refused(ReputationEvent e) => (await Assert.ThrowsAsync<InvalidRequestException>(() => Grain(w).RecordAsync(e))).Message;
        Assert.StartsWith("worker_id:", await Refused(Event("someone-else", ReputationEventKind.Success)), StringComparison.Ordinal);
        Assert.StartsWith("event_id:", await Refused(Event(w, ReputationEventKind.Success, id: "")), StringComparison.Ordinal);
        Assert.StartsWith("event_id:", await Refused(Event(w, ReputationEventKind.Success, id: new string('x', 129))), StringComparison.Ordinal);
        Assert.StartsWith("kind:", await Refused(Event(w, (ReputationEventKind)42)), StringComparison.Ordinal);
        Assert.StartsWith("latency_ms:", await Refused(Event(w, ReputationEventKind.Success, latencyMs: -1)), StringComparison.Ordinal);
        Assert.StartsWith("hash:", await Refused(Event(w, ReputationEventKind.Success, hash: "xyz")), StringComparison.Ordinal);
        Assert.StartsWith("hash:", await Refused(Event(w, ReputationEventKind.Success, hash: new string('a', 130))), StringComparison.Ordinal);
        Assert.StartsWith("time:", await Refused(Event(w, ReputationEventKind.Success, time: fixture.Time.GetUtcNow().AddHours(1))), StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => Grain(w).GetEventsAsync(null, 0));
        await Assert.ThrowsAsync<InvalidRequestException>(() => Grain(w).GetEventsAsync(-1, 10));
        Assert.Equal(0, (await Grain(w).GetAsync()).EventCount);
    }

    [Fact]
    public async Task A27_FailuresThatTakeTheScoreBelowTheFloorBanTheWorkerFor24HoursAndTheBanExpiresByItself()
    {
        var w = NewWorker();
        await fixture.Grains.RecordAsync(w, ReputationEventKind.Failure, 8);
        var before = await Grain(w).GetAsync();
        Assert.Null(before.BannedUntil);
        Assert.True(before.Score >= 0.3, $"score {before.Score}");

        await fixture.Grains.RecordAsync(w, ReputationEventKind.Failure, 1);
        var now = fixture.Time.GetUtcNow();
        var banned = await Grain(w).GetAsync();
        Assert.True(banned.Score < 0.3, $"score {banned.Score}");
        Assert.Equal(now + TimeSpan.FromHours(24), banned.BannedUntil);
        Assert.Contains("fell below 0.3 after a failure", banned.BanReason, StringComparison.Ordinal);

        fixture.Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.NotNull((await Grain(w).GetAsync()).BannedUntil);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await Grain(w).GetAsync();
        Assert.Null(after.BannedUntil);
        Assert.Null(after.BanReason);
        Assert.True(after.Score > banned.Score, "the failures decayed");
    }

    [Fact]
    public async Task A27_ThreeWrongResultsWithinTheWindowBanTheWorker()
    {
        var w = NewWorker();
        await fixture.Grains.RecordAsync(w, ReputationEventKind.Success, 20);
        await Grain(w).RecordAsync(Event(w, ReputationEventKind.WrongResult, hash: "AB01"));
        await Grain(w).RecordAsync(Event(w, ReputationEventKind.WrongResult));
        var two = await Grain(w).GetAsync();
        Assert.Null(two.BannedUntil);
        Assert.True(two.Score > 0.3, $"score {two.Score}: the ban below must come from the count, not the floor");
        await Grain(w).RecordAsync(Event(w, ReputationEventKind.WrongResult, jobId: "job-x", hash: "cd02"));
        var three = await Grain(w).GetAsync();
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromHours(24), three.BannedUntil);
        Assert.StartsWith("3 wrong results within 24 h, the last on job job-x (evidence cd02)", three.BanReason, StringComparison.Ordinal);
        Assert.Equal(3, three.Counts.WrongResults);
        Assert.Equal("ab01", (await fixture.Grains.EventsAsync(w)).Single(e => e.Kind == ReputationEventKind.WrongResult && e.Hash is "ab01").Hash);
    }

    [Fact]
    public async Task WrongResultsSpreadBeyondTheWindowDoNotBan()
    {
        var w = NewWorker();
        await fixture.Grains.RecordAsync(w, ReputationEventKind.Success, 20);
        for (var i = 0; i < 3; i++)
        {
            await fixture.Grains.RecordAsync(w, ReputationEventKind.WrongResult, 1);
            fixture.Time.Advance(TimeSpan.FromHours(13));
        }

        Assert.Null((await Grain(w).GetAsync()).BannedUntil);
    }

    [Fact]
    public async Task ADoubleSignZeroesTheScoreAndBansFor30Days()
    {
        var w = NewWorker();
        await fixture.Grains.RecordAsync(w, ReputationEventKind.Success, 5);
        await Grain(w).RecordAsync(Event(w, ReputationEventKind.DoubleSign, jobId: "job-d", hash: "ff"));
        var r = await Grain(w).GetAsync();
        Assert.Equal(0, r.Score);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromDays(30), r.BannedUntil);
        Assert.Equal("signed two results of job job-d (evidence ff)", r.BanReason);
    }

    [Fact]
    public async Task StoredEventsAreBoundedAndTheScoreIsRecomputableFromCheckpointAndEvents()
    {
        var w = NewWorker();
        var random = new Random(7);
        var all = new List<ReputationEvent>();
        for (var i = 0; i < 35; i++)
        {
            var kind = (ReputationEventKind)random.Next(0, 6);
            var e = Event(w, kind, time: fixture.Time.GetUtcNow(), latencyMs: kind == ReputationEventKind.Success ? 10 + i : 0);
            Assert.True(await Grain(w).RecordAsync(e));
            all.Add(e);
            fixture.Time.Advance(TimeSpan.FromHours(random.Next(1, 48)));
        }

        var r = await Grain(w).GetAsync();
        var kept = await fixture.Grains.EventsAsync(w, limit: 3);
        Assert.Equal(10, kept.Count);
        Assert.Equal(Enumerable.Range(26, 10).Select(i => (long)i), kept.Select(e => e.Sequence));
        Assert.Equal(25, r.Checkpoint.Events);
        Assert.Equal(35, r.EventCount);
        Assert.Equal(all.Count(e => e.Kind == ReputationEventKind.Success), r.Counts.Successes);

        // From what the API gives, and from the whole history the grain no longer keeps: the same score.
        Assert.Equal(r.Score, ReputationScore.Of(r.Parameters, r.Checkpoint, kept, r.EvaluatedAt), 12);
        Assert.Equal(r.Score, ReputationScore.Of(r.Parameters, null, all, r.EvaluatedAt), 12);

        // An event older than the checkpoint can no longer be checked against the folded ids: refused.
        Assert.False(await Grain(w).RecordAsync(Event(w, ReputationEventKind.Failure, time: all[0].Time)));
    }

    [Fact]
    public async Task EventPagesFollowTheirCursorAndACursorOfAnotherWorkerIsRefused()
    {
        var w = NewWorker();
        await fixture.Grains.RecordAsync(w, ReputationEventKind.Success, 7);
        var first = await Listings.ReputationEventsAsync(Grain(w), w, null, 3);
        Assert.Equal([1L, 2, 3], first.Items.Select(e => e.Sequence));
        Assert.NotNull(first.NextCursor);
        var second = await Listings.ReputationEventsAsync(Grain(w), w, first.NextCursor, 3);
        Assert.Equal([4L, 5, 6], second.Items.Select(e => e.Sequence));
        var last = await Listings.ReputationEventsAsync(Grain(w), w, second.NextCursor, 3);
        Assert.Equal([7L], last.Items.Select(e => e.Sequence));
        Assert.Null(last.NextCursor);

        var other = NewWorker();
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.ReputationEventsAsync(Grain(other), other, first.NextCursor, 3));
        Assert.StartsWith("cursor: it was issued for the events of worker", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.ReputationEventsAsync(Grain(w), w, "garbage!", 3));
        await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.ReputationEventsAsync(Grain(w), w, null, 0));
    }
}
