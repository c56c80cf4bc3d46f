namespace Marketplace.GrainInterfaces;

/// <summary>The broadcast streams of the marketplace (the design card's gossip topics).</summary>
public static class MarketplaceStreams
{
    /// <summary>The stream provider the marketplace uses.</summary>
    public const string Provider = "Default";

    /// <summary>Namespace of the stream workers announce capabilities on (key <see cref="BroadcastKey"/>).</summary>
    public const string Capabilities = "capabilities";

    /// <summary>Namespace of the stream jobs are announced on (key <see cref="BroadcastKey"/>).</summary>
    public const string Jobs = "jobs";

    /// <summary>The key of the broadcast streams.</summary>
    public const string BroadcastKey = "all";
}
