namespace Marketplace.Silo.Hosting;

/// <summary>The silo's own lines about stopping (Microsoft.Hosting.Lifetime's are filtered out at Warning by
/// default).</summary>
internal static partial class SiloLifetimeLog
{
    [LoggerMessage(EventId = Marketplace.Grains.MarketplaceEventIds.SiloStopping, Level = LogLevel.Information, Message = "Silo stopping: leaving the cluster (shutdown timeout {TimeoutSeconds} s)")]
    public static partial void Stopping(ILogger logger, double timeoutSeconds);

    [LoggerMessage(EventId = Marketplace.Grains.MarketplaceEventIds.SiloStopped, Level = LogLevel.Information, Message = "Silo stopped")]
    public static partial void Stopped(ILogger logger);
}
