namespace Marketplace.GrainInterfaces;

/// <summary>What a silo did with a piece of double-sign evidence (<see cref="IDoubleSignEvidenceGrain.SubmitAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.evidence-acceptance")]
[Immutable]
public sealed class EvidenceAcceptance
{
    /// <summary>The evidence hash, lowercase hex.</summary>
    [Id(0)] public string EvidenceHash { get; set; } = "";

    /// <summary>The worker whose registered key signed both receipts.</summary>
    [Id(1)] public string WorkerId { get; set; } = "";

    /// <summary>The job both receipts are about.</summary>
    [Id(2)] public string JobId { get; set; } = "";

    /// <summary>When the evidence was first accepted.</summary>
    [Id(3)] public DateTimeOffset AcceptedAt { get; set; }

    /// <summary>Stake taken from the worker, in smallest units (0 while jobs are not paid through the settlement, or
    /// when the worker had no stake).</summary>
    [Id(4)] public UInt128 Slashed { get; set; }

    /// <summary>True when this answer is for a repeated submission of evidence already accepted.</summary>
    [Id(5)] public bool Repeated { get; set; }
}
