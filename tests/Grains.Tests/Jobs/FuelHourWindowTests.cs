using Marketplace.Grains.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>The hour of fuel a client's quota counts.</summary>
public sealed class FuelHourWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FuelLeavesTheWindowAnHourAfterItWasBurned()
    {
        var window = new FuelHourWindow();
        window.Add(Start, 100);
        window.Add(Start.AddMinutes(30), 50);
        Assert.Equal(150, window.Sum(Start.AddMinutes(59)));
        Assert.Equal(50, window.Sum(Start.AddMinutes(60)));
        Assert.Equal(50, window.Sum(Start.AddMinutes(89)));
        Assert.Equal(0, window.Sum(Start.AddMinutes(90)));
    }

    [Fact]
    public void ALongGapClearsEveryBucketAndAnEarlierClockCountsInTheOldestMinute()
    {
        var window = new FuelHourWindow();
        window.Add(Start, 100);
        Assert.Equal(0, window.Sum(Start.AddDays(3)));
        window.Add(Start.AddDays(3), 7);
        window.Add(Start.AddDays(2), 5); // a clock that went back: booked in the window, not lost
        Assert.Equal(12, window.Sum(Start.AddDays(3)));
        Assert.Equal(0, window.Sum(Start.AddDays(3).AddHours(1)));
    }

    [Fact]
    public void NegativeFuelIsIgnored()
    {
        var window = new FuelHourWindow();
        window.Add(Start, -5);
        Assert.Equal(0, window.Sum(Start));
    }
}
