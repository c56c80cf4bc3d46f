// The meter's release wait: tests read HeldBytes only after it completes, so it must complete exactly when the last
// held byte is given back, not before (buffers still held) and not never (a test would hang to its bound).
using Marketplace.Grains.Storage;
using Xunit;

namespace Marketplace.Api.Tests.Storage;

/// <summary><see cref="StorageBufferMeter.WhenReleasedAsync"/>.</summary>
public sealed class StorageBufferMeterTests
{
    [Fact]
    public async Task The_wait_completes_at_once_when_nothing_is_held()
    {
        var meter = new StorageBufferMeter();
        Assert.True(meter.WhenReleasedAsync().IsCompleted);

        meter.Take(100);
        meter.Release(100);
        await meter.WhenReleasedAsync();
        Assert.Equal(0, meter.HeldBytes);
    }

    [Fact]
    public async Task The_wait_completes_when_the_last_of_two_transfers_gives_its_buffers_back()
    {
        var meter = new StorageBufferMeter();
        meter.Take(100);
        meter.Take(50);
        var released = meter.WhenReleasedAsync();

        meter.Release(100);
        Assert.False(released.IsCompleted);

        meter.Release(50);
        await released;
        Assert.Equal(0, meter.HeldBytes);
    }

    [Fact]
    public async Task A_transfer_that_takes_buffers_again_keeps_the_wait_open_until_its_own_release()
    {
        var meter = new StorageBufferMeter();
        meter.Take(10);
        var first = meter.WhenReleasedAsync();
        meter.Release(10);
        await first;

        meter.Take(20);
        var second = meter.WhenReleasedAsync();
        Assert.False(second.IsCompleted);
        meter.Release(20);
        await second;
        Assert.Equal(0, meter.HeldBytes);
    }
}
