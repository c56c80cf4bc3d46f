using System.Collections.Concurrent;
using Marketplace.Grains.Workers;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Waiting jobs are told when a worker has room; a told job that does not take the room within its hold passes
/// the wake on, so an idle worker never leaves its waiting jobs to their backoff polls.</summary>
public sealed class RoomWakesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AToldJobThatRanElsewherePassesTheWakeOnWhenItsHoldRunsOut()
    {
        var kit = new Kit(freeRooms: 1);
        kit.Waiting("j1", "a");
        kit.Waiting("j2", "a");

        kit.Wakes.RoomOpened();
        Assert.Equal("j1", await kit.NextToldAsync());
        Assert.Equal("worker is full", kit.BusyFor("a", "j2"));

        // j1 ran on another worker: never admitted here. Just before the hold runs out no one else is told.
        kit.Clock.Advance(RoomHolds.HoldFor - TimeSpan.FromTicks(1));
        Assert.Equal(1, kit.Wakes.HoldsWatched);
        kit.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("j2", await kit.NextToldAsync());
    }

    [Fact]
    public async Task AToldJobAdmittedHereEndsTheWakes()
    {
        var kit = new Kit(freeRooms: 1);
        kit.Waiting("j1", "a");
        kit.Waiting("j2", "b");

        kit.Wakes.RoomOpened();
        Assert.Equal("j1", await kit.NextToldAsync());
        kit.Holds.Release("j1"); // admitted: the executor releases the hold as it queues the attempt
        kit.FreeRooms = 0;

        kit.Clock.Advance(RoomHolds.HoldFor);
        await kit.WatchesEndedAsync();
        Assert.Empty(kit.Told);
        Assert.Equal(1, kit.Waitlist.Count);
    }

    [Fact]
    public async Task AnUnusedHoldWakesNoOneWhenTheRoomWasTakenMeanwhile()
    {
        var kit = new Kit(freeRooms: 1);
        kit.Waiting("j1", "a");
        kit.Waiting("j2", "b");

        kit.Wakes.RoomOpened();
        Assert.Equal("j1", await kit.NextToldAsync());
        kit.FreeRooms = 0; // a job that bid before j1 took the room anyway

        kit.Clock.Advance(RoomHolds.HoldFor);
        await kit.WatchesEndedAsync();
        Assert.Empty(kit.Told);
        Assert.Equal((0, 0), kit.Holds.HeldForOthers("b", "j2")); // the unused hold is gone
    }

    [Fact]
    public async Task AJobWithNoUseForTheRoomPassesTheWakeOnAtOnce()
    {
        var kit = new Kit(freeRooms: 1);
        kit.Waiting("j1", "a");
        kit.Waiting("j2", "b");
        kit.NoUse.Add("j1");

        kit.Wakes.RoomOpened();
        Assert.Equal("j1", await kit.NextToldAsync());
        Assert.Equal("j2", await kit.NextToldAsync());
        Assert.Equal((1, 0), kit.Holds.HeldForOthers("a", null));
    }

    [Fact]
    public async Task AJobToldAgainKeepsItsRenewedHold()
    {
        var kit = new Kit(freeRooms: 2);
        kit.Waiting("j1", "a");
        kit.Wakes.RoomOpened();
        Assert.Equal("j1", await kit.NextToldAsync());

        // j1 is listed and told again by a second room before the first hold runs out.
        kit.Clock.Advance(RoomHolds.HoldFor / 2);
        kit.Waiting("j1", "a");
        kit.Waiting("j2", "b");
        kit.Wakes.RoomOpened();
        Assert.Equal("j1", await kit.NextToldAsync());

        // The first hold's watch finds it renewed: j1 keeps its room and no one else is told yet.
        kit.Clock.Advance(RoomHolds.HoldFor / 2);
        await kit.WatchesEndedAsync(left: 1);

        Assert.Empty(kit.Told);
        Assert.Equal((1, 0), kit.Holds.HeldForOthers("b", "j2"));

        kit.Clock.Advance(RoomHolds.HoldFor / 2);
        Assert.Equal("j2", await kit.NextToldAsync());
    }

    private sealed class Kit
    {
        private readonly SemaphoreSlim _told = new(0);

        public Kit(int freeRooms)
        {
            FreeRooms = freeRooms;
            Holds = new RoomHolds(Clock);
            Wakes = new RoomWakes(Waitlist, Holds, TellAsync, () => FreeRooms, () => true, (_, _) => { }, Clock);
        }

        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

        public WorkerWaitlist Waitlist { get; } = new();

        public RoomHolds Holds { get; }

        public RoomWakes Wakes { get; }

        public int FreeRooms { get; set; }

        public ConcurrentQueue<string> Told { get; } = new();

        public HashSet<string> NoUse { get; } = new(StringComparer.Ordinal);

        public void Waiting(string jobId, string clientId) =>
            Waitlist.Add(jobId, clientId, Clock.GetUtcNow());

        /// <summary>Whether a job of <paramref name="clientId"/> other than the held ones finds a room: null when it
        /// does, as the executor counts free rooms less the rooms held for others.</summary>
        public string? BusyFor(string clientId, string jobId) =>
            FreeRooms - Holds.HeldForOthers(clientId, jobId).All > 0 ? null : "worker is full";

        public async Task<string> NextToldAsync()
        {
            Assert.True(await _told.WaitAsync(Patience), "no waiting job was told in time");
            Assert.True(Told.TryDequeue(out var jobId));
            return jobId;
        }

        public async Task WatchesEndedAsync(int left = 0)
        {
            using var timeout = new CancellationTokenSource(Patience);
            while (Wakes.HoldsWatched > left)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        private Task<bool> TellAsync(string jobId)
        {
            Told.Enqueue(jobId);
            _told.Release();
            return Task.FromResult(!NoUse.Contains(jobId));
        }
    }
}
