// Design: the executor of a worker (its run slots, its sandbox) is an object in one silo process, and the worker grain
// hands attempts to it by a direct call, so the grain must live where the executor lives. Each silo publishes the
// worker ids it hosts in its silo metadata; placing a worker grain means finding the compatible silo that lists the
// key. When no live silo lists it (its silo died or has not joined yet), the grain is placed on the calling silo (or
// any compatible one): there it answers as "not hosted on this silo" (offline, declining every job) and deactivates
// after that call, so the next call places it again and finds the host once it is back.
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Marketplace.Grains.Workers;

/// <summary>Director of <see cref="WorkerHostPlacement"/>.</summary>
internal sealed class WorkerHostPlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var workerId = target.GrainIdentity.Key.ToString();
        var silos = context.GetCompatibleSilos(target);
        foreach (var silo in silos)
        {
            if (Hosts(metadata.GetSiloMetadata(silo), workerId))
            {
                return Task.FromResult(silo);
            }
        }

        foreach (var silo in silos)
        {
            if (silo.Equals(context.LocalSilo))
            {
                return Task.FromResult(silo);
            }
        }

        return Task.FromResult(silos[0]);
    }

    /// <summary>True when <paramref name="silo"/> lists <paramref name="workerId"/> under <see cref="WorkerHostPlacement.MetadataKey"/>.</summary>
    internal static bool Hosts(SiloMetadata? silo, string workerId)
    {
        if (silo?.Metadata is null || !silo.Metadata.TryGetValue(WorkerHostPlacement.MetadataKey, out var list))
        {
            return false;
        }

        foreach (var range in list.AsSpan().Split(','))
        {
            if (list.AsSpan()[range].Trim().SequenceEqual(workerId))
            {
                return true;
            }
        }

        return false;
    }
}
