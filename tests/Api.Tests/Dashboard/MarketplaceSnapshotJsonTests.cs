using System.Text.Json;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Silo.Dashboard;
using Xunit;

namespace Marketplace.Api.Tests.Dashboard;

/// <summary>The dashboard's snapshot speaks the wire names the page reads (and the API uses for the same values).</summary>
public sealed class MarketplaceSnapshotJsonTests
{
    [Fact]
    public void A_providers_price_is_price_per_gib_month_as_in_the_api_so_the_page_shows_it()
    {
        var json = JsonSerializer.SerializeToElement(new ProviderRow("p1", true, 1 << 30, 0, 1_000_000, "S127.0.0.1:11111:1"), MarketplaceJson.Options);

        Assert.Equal(1_000_000, json.GetProperty("price_per_gib_month").GetInt64());
        Assert.False(json.TryGetProperty("price_per_gi_b_month", out _));
    }
}
