// Design: a provider's fragments are files on one silo's disk, so its grain must live on that silo. Each silo
// publishes the provider ids it hosts in its silo metadata (as workers do); the director places a provider grain on
// the silo that lists it, else on the calling silo, where it answers "offline" and deactivates, so the next call
// looks again.
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Marketplace.Grains.Storage;

/// <summary>Places a provider grain on the silo hosting the provider.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-provider-placement")]
public sealed class StorageProviderPlacement : PlacementStrategy
{
    /// <summary>The silo metadata key listing a silo's provider ids (comma-separated).</summary>
    public const string MetadataKey = "marketplace.storage-providers";

    internal static readonly StorageProviderPlacement Instance = new();
}

/// <summary>Marks a grain class keyed by provider id for <see cref="StorageProviderPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class StorageProviderPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public StorageProviderPlacementAttribute()
        : base(StorageProviderPlacement.Instance)
    {
    }
}

/// <summary>Director of <see cref="StorageProviderPlacement"/>.</summary>
internal sealed class StorageProviderPlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var providerId = target.GrainIdentity.Key.ToString();
        var silos = context.GetCompatibleSilos(target);
        foreach (var silo in silos)
        {
            if (Hosts(metadata.GetSiloMetadata(silo), providerId))
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

    private static bool Hosts(SiloMetadata? silo, string providerId)
    {
        if (silo?.Metadata is null || !silo.Metadata.TryGetValue(StorageProviderPlacement.MetadataKey, out var list))
        {
            return false;
        }

        foreach (var range in list.AsSpan().Split(','))
        {
            if (list.AsSpan()[range].Trim().SequenceEqual(providerId))
            {
                return true;
            }
        }

        return false;
    }
}
