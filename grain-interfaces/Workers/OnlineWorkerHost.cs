namespace Marketplace.GrainInterfaces;

/// <summary>The online workers of one worker host (<see cref="IWorkerDirectoryGrain.ListOnlineHostsAsync"/>).</summary>
/// <remarks>Never changed once sent ([Immutable]): Orleans passes it by reference between grains of one silo instead of
/// copying it.</remarks>
[GenerateSerializer]
[Alias("marketplace.online-worker-host")]
[Immutable]
public sealed class OnlineWorkerHost
{
    /// <summary>The host id (<see cref="IWorkerHostGrain"/>'s key).</summary>
    [Id(0)] public string HostId { get; init; } = "";

    /// <summary>The ids of its workers whose heartbeat is fresh, in order.</summary>
    [Id(1)] public string[] WorkerIds { get; init; } = [];
}
