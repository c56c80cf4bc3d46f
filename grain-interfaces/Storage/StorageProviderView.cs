namespace Marketplace.GrainInterfaces;

/// <summary>One storage provider as a client weighs it (<c>GET /v1/providers/{id}</c>): what it offers, how it has
/// behaved and what it has at stake.</summary>
/// <remarks>Provider and worker ids share one namespace in the reputation grains and the settlement, so the
/// reputation and stake types are the workers' ones, read under the provider's id.</remarks>
[GenerateSerializer]
[Alias("marketplace.storage-provider-view")]
public sealed class StorageProviderView
{
    /// <summary>The provider's id.</summary>
    [Id(0)] public string ProviderId { get; set; } = "";

    /// <summary>Its newest advertisement (<see cref="StorageProviderLookup"/> says what stands in for one never
    /// heard).</summary>
    [Id(1)] public StorageProviderAdvertisement Advertisement { get; set; } = new();

    /// <summary>Its reputation: failed audits and storage fault evidence lower it (<see cref="IReputationGrain"/>).</summary>
    [Id(2)] public WorkerReputation Reputation { get; set; } = new();

    /// <summary>Its stake in the settlement: bonded, unbonding and earnings (<see cref="ISettlement.GetStakeAsync"/>).</summary>
    [Id(3)] public WorkerStake Stake { get; set; } = new();
}
