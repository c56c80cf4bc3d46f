namespace Marketplace.GrainInterfaces;

/// <summary>One worker listed in an <see cref="AggregatedReceipt"/>: who it is, the BLS key it signed with, and its role.</summary>
[GenerateSerializer]
[Alias("marketplace.committee-member")]
[Immutable]
public sealed class CommitteeMember
{
    /// <summary>The worker id.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>The worker's registered BLS public key, 48 bytes compressed (G1).</summary>
    [Id(1)] public byte[] PublicKey { get; set; } = [];

    /// <summary>Why the worker is listed.</summary>
    [Id(2)] public CommitteeRole Role { get; set; }
}
