using Orleans.Placement;

namespace Marketplace.Grains.Workers;

/// <summary>
/// Places a worker grain on the silo that hosts the worker's executor. A silo publishes the ids of the workers it
/// hosts in its silo metadata (<see cref="MetadataKey"/>), which Orleans shares with the whole cluster; the director
/// (<see cref="WorkerHostPlacementDirector"/>) picks the silo whose list names the grain's key.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.worker-host-placement")]
public sealed class WorkerHostPlacement : PlacementStrategy
{
    /// <summary>Silo metadata key: the comma-separated ids of the workers a silo hosts.</summary>
    public const string MetadataKey = "marketplace.workers";

    /// <summary>The one instance.</summary>
    internal static readonly WorkerHostPlacement Instance = new();
}

/// <summary>Marks a grain class keyed by worker id for <see cref="WorkerHostPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WorkerHostPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public WorkerHostPlacementAttribute()
        : base(WorkerHostPlacement.Instance)
    {
    }
}
