using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

/// <summary>A deal's stored state: its status (placement, digests, health, history) and the repair under way.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-deal-state")]
internal sealed class StorageDealState
{
    /// <summary>The deal; null before it is created.</summary>
    [Id(0)] public DealStatus? Status { get; set; }

    /// <summary>Fragment index → provider chosen for its rebuild, recorded before any byte moves so a repair
    /// interrupted by a restart resumes onto the same providers.</summary>
    [Id(1)] public Dictionary<int, string> RepairPlan { get; set; } = [];

    /// <summary>Clients the owner lets read the deal's blob, in the order they were added.</summary>
    [Id(2)] public List<string> SharedWith { get; set; } = [];

    /// <summary>True when every API key may read the deal's blob.</summary>
    [Id(3)] public bool Public { get; set; }

    /// <summary>True while the deal is listed in its blob's <see cref="ISharedDealsGrain"/>.</summary>
    [Id(4)] public bool Listed { get; set; }
}
