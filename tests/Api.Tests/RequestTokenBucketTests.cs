using Marketplace.Silo.Api;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>The token bucket the cluster's rate budget hands out slices of, on explicit timestamps.</summary>
public sealed class RequestTokenBucketTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_bucket_gives_its_burst_then_refills_at_the_rate_and_never_past_the_burst()
    {
        var bucket = new RequestTokenBucket();
        Assert.Equal(6, bucket.Take(4, rate: 2, burst: 10, Start) + bucket.Take(2, 2, 10, Start));
        Assert.Equal(4, bucket.Take(100, 2, 10, Start));
        Assert.Equal(0, bucket.Take(1, 2, 10, Start));

        // Half a second at 2 a second is one token; a quarter more is not a whole one.
        Assert.Equal(1, bucket.Take(5, 2, 10, Start + TimeSpan.FromMilliseconds(500)));
        Assert.Equal(0, bucket.Take(5, 2, 10, Start + TimeSpan.FromMilliseconds(750)));
        Assert.Equal(1, bucket.Take(5, 2, 10, Start + TimeSpan.FromMilliseconds(1000)));

        // An hour idle fills it to the burst, not beyond.
        Assert.Equal(10, bucket.Take(1000, 2, 10, Start + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_clock_that_steps_back_adds_nothing_and_a_smaller_burst_applies_at_once()
    {
        var bucket = new RequestTokenBucket();
        Assert.Equal(10, bucket.Take(10, 1, 10, Start));
        Assert.Equal(0, bucket.Take(1, 1, 10, Start - TimeSpan.FromMinutes(5)));
        Assert.Equal(1, bucket.Take(1, 1, 10, Start + TimeSpan.FromSeconds(1)));
        Assert.Equal(3, bucket.Take(100, 1, 3, Start + TimeSpan.FromMinutes(1)));
    }
}
