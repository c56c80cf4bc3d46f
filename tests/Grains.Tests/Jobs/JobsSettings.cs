namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Silo settings for job tests: short delays (backoff, bid window, heartbeat) so retries play out in tens of
/// milliseconds, and explicit workers. The lease is long enough to ride out a stall of a loaded machine; a test about
/// lost workers sets its own short lease.</summary>
internal sealed class JobsSettings
{
    private int _workers;

    public Dictionary<string, string?> Values { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Marketplace:Jobs:RetryBaseDelay"] = "00:00:00.050",
        ["Marketplace:Jobs:MaxRetryDelay"] = "00:00:01",
        ["Marketplace:Jobs:LeaseDuration"] = "00:00:05",
        ["Marketplace:Jobs:HeartbeatInterval"] = "00:00:00.100",
        ["Marketplace:Jobs:WorkerOfflineAfter"] = "00:00:02",
        ["Marketplace:Jobs:BidWindow"] = "00:00:00.200",
        ["Marketplace:Jobs:WatchdogAfter"] = "00:00:00.500",
        ["Marketplace:Jobs:WatchdogPeriod"] = "00:00:01",
    };

    /// <summary>Adds a worker to <c>Marketplace:Workers</c>.</summary>
    public JobsSettings Worker(string id, long price = 1, long maxMemoryBytes = 512L << 20, string region = "local", int capacity = 2, int queue = 16, long maxFuel = 500_000_000)
    {
        var p = $"Marketplace:Workers:{_workers++}:";
        Values[p + "Id"] = id;
        Values[p + "PricePerMillionFuel"] = price.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Values[p + "MaxMemoryBytes"] = maxMemoryBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Values[p + "MaxFuel"] = maxFuel.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Values[p + "Labels:region"] = region;
        Values[p + "Capacity"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Values[p + "MaxQueueDepth"] = queue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return this;
    }

    public JobsSettings Set(string key, string value)
    {
        Values[key] = value;
        return this;
    }
}
