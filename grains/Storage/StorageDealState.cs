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
}
