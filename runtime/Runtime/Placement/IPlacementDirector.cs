using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.Placement;

/// <summary>Chooses the silo for a new activation. Runs on the calling silo.</summary>
internal interface IPlacementDirector
{
    /// <summary>Picks one of <paramref name="compatibleSilos"/> (never empty; contains the local silo while it runs).</summary>
    SiloAddress Place(GrainId grainId, GrainClassMetadata? metadata, IReadOnlyList<SiloAddress> compatibleSilos, SiloAddress localSilo);
}

/// <summary>Prefer-local placement: the local silo when it can host the grain, else a hash-chosen compatible silo.</summary>
internal sealed class PreferLocalPlacementDirector : IPlacementDirector
{
    public SiloAddress Place(GrainId grainId, GrainClassMetadata? metadata, IReadOnlyList<SiloAddress> compatibleSilos, SiloAddress localSilo)
    {
        if (metadata is not null || compatibleSilos.Count == 0)
        {
            return localSilo;
        }

        return compatibleSilos[(int)((grainId.GetUniformHashCode() & 0x7fffffff) % (uint)compatibleSilos.Count)];
    }
}
