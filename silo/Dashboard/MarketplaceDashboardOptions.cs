namespace Marketplace.Silo.Dashboard;

/// <summary>
/// The marketplace page at <c>/dashboard/marketplace</c>, section <c>Marketplace:Dashboard</c>: how often it is
/// refreshed and how much it reads per refresh. Every read is bounded, so a refresh costs at most a fixed number of
/// grain calls whatever the size of the marketplace.
/// </summary>
internal sealed class MarketplaceDashboardOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Marketplace:Dashboard";

    /// <summary>How often the event stream sends a snapshot, and how long a snapshot read is shared between callers:
    /// 2 seconds by default (250 ms to 1 minute).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one event stream lasts before the silo ends it and the page reconnects (which checks the API
    /// key again): 5 minutes by default (at least <see cref="RefreshInterval"/>, at most 1 hour).</summary>
    public TimeSpan StreamLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The window of the throughput and latency figures: 10 minutes by default (1 to 60).</summary>
    public int ThroughputWindowMinutes { get; set; } = 10;

    /// <summary>Workers shown (and whose reputation and stake are read), by id: 100 by default (1 to 1,000).</summary>
    public int MaxWorkers { get; set; } = 100;

    /// <summary>Clients whose job lists, deals and balances are read, by id: 100 by default (1 to 1,000).</summary>
    public int MaxClients { get; set; } = 100;

    /// <summary>Storage providers shown: 100 by default (1 to 1,000).</summary>
    public int MaxProviders { get; set; } = 100;

    /// <summary>Newest deals read per client (and shown in all): 20 by default (1 to 100).</summary>
    public int MaxDeals { get; set; } = 20;
}
