using Marketplace.Silo.Dashboard;
using Xunit;

namespace Marketplace.Api.Tests.Dashboard;

/// <summary>The marketplace page's settings and figures (the page itself is driven in Chromium by tests/Browser.Tests).</summary>
public sealed class MarketplaceDashboardSettingsTests
{
    [Fact]
    public async Task A_refresh_interval_out_of_range_stops_the_silo_at_start_naming_the_field()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Dashboard:RefreshInterval"] = "00:00:00.100",
        }));
        Assert.Contains("Marketplace:Dashboard:RefreshInterval is 00:00:00.1000000", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_percentiles_are_nearest_rank()
    {
        double[] sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        Assert.Equal(50, MarketplaceSnapshotReader.Percentile(sorted, 0.50));
        Assert.Equal(100, MarketplaceSnapshotReader.Percentile(sorted, 0.95));
        Assert.Equal(10, MarketplaceSnapshotReader.Percentile(sorted, 0.01));
        Assert.Equal(7, MarketplaceSnapshotReader.Percentile([7], 0.95));
        Assert.Null(MarketplaceSnapshotReader.Percentile([], 0.50));
    }
}
