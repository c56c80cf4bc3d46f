using Marketplace.Grains.Workers;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A room held for a woken job counts as taken for every other job, not for the woken one, until it is
/// released or runs out.</summary>
public sealed class RoomHoldsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AHeldRoomIsTakenForOthersAndFreeForTheWokenJob()
    {
        var holds = new RoomHolds(new ManualClock(T0));
        holds.Hold("j1", "a");

        Assert.Equal((1, 1), holds.HeldForOthers("a", "j2"));
        Assert.Equal((1, 0), holds.HeldForOthers("b", "j3"));
        Assert.Equal((1, 1), holds.HeldForOthers("a", null));
        Assert.Equal((0, 0), holds.HeldForOthers("a", "j1"));
    }

    [Fact]
    public void ReleasingOrRunningOutFreesTheRoom()
    {
        var clock = new ManualClock(T0);
        var holds = new RoomHolds(clock);
        holds.Hold("j1", "a");
        holds.Hold("j2", "a");
        holds.Release("j1");
        Assert.Equal((1, 1), holds.HeldForOthers("a", "j9"));

        clock.Advance(RoomHolds.HoldFor - TimeSpan.FromTicks(1));
        Assert.Equal((1, 1), holds.HeldForOthers("a", "j9"));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((0, 0), holds.HeldForOthers("a", "j9"));
    }

    [Fact]
    public void HoldingAJobAgainRenewsItsOneHold()
    {
        var clock = new ManualClock(T0);
        var holds = new RoomHolds(clock);
        holds.Hold("j1", "a");
        clock.Advance(RoomHolds.HoldFor / 2);
        holds.Hold("j1", "a");
        Assert.Equal((1, 1), holds.HeldForOthers("a", "j9"));

        clock.Advance(RoomHolds.HoldFor / 2);
        Assert.Equal((1, 1), holds.HeldForOthers("a", "j9"));
    }

    [Fact]
    public void OnlyAHoldStillInPlaceIsReleasedAsUnused()
    {
        var clock = new ManualClock(T0);
        var holds = new RoomHolds(clock);
        var first = holds.Hold("j1", "a");
        var renewed = holds.Hold("j1", "a");
        Assert.False(holds.ReleaseUnused("j1", first));
        Assert.Equal((1, 1), holds.HeldForOthers("a", "j9"));

        clock.Advance(RoomHolds.HoldFor);
        Assert.Equal((0, 0), holds.HeldForOthers("a", "j9"));
        Assert.True(holds.ReleaseUnused("j1", renewed));
        Assert.False(holds.ReleaseUnused("j1", renewed));

        var admitted = holds.Hold("j2", "b");
        holds.Release("j2");
        Assert.False(holds.ReleaseUnused("j2", admitted));
    }
}
