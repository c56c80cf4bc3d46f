using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Reputation;

/// <summary>The stored state of one piece of double-sign evidence.</summary>
[GenerateSerializer]
[Alias("marketplace.double-sign-evidence-state")]
internal sealed class DoubleSignEvidenceState
{
    /// <summary>The evidence as first accepted; null before.</summary>
    [Id(0)] public DoubleSignEvidence? Evidence { get; set; }

    /// <summary>What was done with it; null before the penalty was applied in full.</summary>
    [Id(1)] public EvidenceAcceptance? Acceptance { get; set; }
}
