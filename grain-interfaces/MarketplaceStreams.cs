namespace Marketplace.GrainInterfaces;

/// <summary>The stream of the marketplace: storage provider advertisements (<see cref="StorageProviderAdvertisement"/>),
/// read by the provider directory; subscribers take the stream as <c>object</c> and keep the type they want. (Worker
/// heartbeats, job offers and finished-job events are grain calls: see <see cref="IWorkerDirectoryGrain.AnnounceAsync"/>,
/// <see cref="IWorkerHostGrain"/> and <see cref="IJobEventsObserver"/>.)</summary>
public static class MarketplaceStreams
{
    /// <summary>The stream provider the marketplace uses.</summary>
    public const string Provider = "Default";

    /// <summary>Namespace of the stream storage providers announce themselves on (key <see cref="BroadcastKey"/>).</summary>
    public const string Capabilities = "capabilities";

    /// <summary>The key of the broadcast streams.</summary>
    public const string BroadcastKey = "all";
}
