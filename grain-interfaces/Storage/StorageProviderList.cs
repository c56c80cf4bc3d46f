namespace Marketplace.GrainInterfaces;

/// <summary>Every storage provider the directory knows (<c>GET /v1/providers</c>), by id.</summary>
[GenerateSerializer]
[Alias("marketplace.storage-provider-list")]
public sealed class StorageProviderList
{
    /// <summary>The providers' newest advertisements, ordered by provider id (ordinal).</summary>
    [Id(0)] public List<StorageProviderAdvertisement> Providers { get; set; } = [];
}
