namespace Marketplace.GrainInterfaces;

/// <summary>What a silo did with a piece of storage fault evidence (<see cref="IStorageFaultEvidenceGrain.SubmitAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.storage-fault-acceptance")]
[Immutable]
public sealed class StorageFaultAcceptance
{
    /// <summary>The evidence hash, lowercase hex (<see cref="StorageFaultEvidence.Hash"/>).</summary>
    [Id(0)] public string EvidenceHash { get; set; } = "";

    /// <summary>The provider penalised.</summary>
    [Id(1)] public string ProviderId { get; set; } = "";

    /// <summary>The deal whose fragment it broke.</summary>
    [Id(2)] public string DealId { get; set; } = "";

    /// <summary>When the evidence was first accepted.</summary>
    [Id(3)] public DateTimeOffset AcceptedAt { get; set; }

    /// <summary>Stake taken from the provider, in smallest units (0 while the settlement is off, or when the provider
    /// had no stake).</summary>
    [Id(4)] public UInt128 Slashed { get; set; }

    /// <summary>True when this answer is for a repeated submission of evidence already accepted.</summary>
    [Id(5)] public bool Repeated { get; set; }
}
