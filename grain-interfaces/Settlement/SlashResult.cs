namespace Marketplace.GrainInterfaces;

/// <summary>The outcome of a slash; a repeated slash with the same evidence returns the first one.</summary>
[GenerateSerializer]
[Alias("marketplace.slash-result")]
[Immutable]
public sealed class SlashResult
{
    /// <summary>The worker slashed.</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>The evidence the slash is idempotent by.</summary>
    [Id(1)] public string EvidenceHash { get; set; } = "";

    /// <summary>The reason.</summary>
    [Id(2)] public SlashReason Reason { get; set; }

    /// <summary>The reason's percentage when the slash was applied.</summary>
    [Id(3)] public int Percent { get; set; }

    /// <summary>The whole amount slashed (to the treasury).</summary>
    [Id(4)] public UInt128 Slashed { get; set; }

    /// <summary>The part taken from bonded stake.</summary>
    [Id(5)] public UInt128 FromBonded { get; set; }

    /// <summary>The part taken from unbonding stake.</summary>
    [Id(6)] public UInt128 FromUnbonding { get; set; }

    /// <summary>The journal entry (0 when nothing was slashed: no stake).</summary>
    [Id(7)] public long Sequence { get; set; }

    /// <summary>When it was applied.</summary>
    [Id(8)] public DateTimeOffset At { get; set; }
}
