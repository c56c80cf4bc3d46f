namespace Marketplace.GrainInterfaces;

/// <summary>
/// The events a reputation grain no longer keeps, folded into what the score needs of them: their decayed weights as
/// of <see cref="At"/> (the time of the newest folded event), which keep decaying from there exactly as the events
/// would have, the time of the last folded double sign, their counts and latencies. Score = f(checkpoint, kept
/// events, time) (<see cref="ReputationScore"/>).
/// </summary>
[GenerateSerializer]
[Alias("marketplace.reputation-checkpoint")]
public sealed class ReputationCheckpoint
{
    /// <summary>The time the folded sums are decayed to; default when nothing is folded.</summary>
    [Id(0)] public DateTimeOffset At { get; set; }

    /// <summary>Σ weight × decay of the folded events at <see cref="At"/>.</summary>
    [Id(1)] public double Weight { get; set; }

    /// <summary>Σ weight × decay of the folded good events at <see cref="At"/>.</summary>
    [Id(2)] public double GoodWeight { get; set; }

    /// <summary>The time of the newest folded double sign, if any.</summary>
    [Id(3)] public DateTimeOffset? LastDoubleSignAt { get; set; }

    /// <summary>Events folded so far.</summary>
    [Id(4)] public long Events { get; set; }

    /// <summary>The sequence number of the newest folded event (0: none).</summary>
    [Id(5)] public long ThroughSequence { get; set; }

    /// <summary>Counts of the folded events by kind.</summary>
    [Id(6)] public ReputationCounts Counts { get; set; } = new();

    /// <summary>Σ latency of the folded successes, milliseconds.</summary>
    [Id(7)] public long LatencySumMs { get; set; }

    /// <summary>Folded successes with a latency.</summary>
    [Id(8)] public long LatencyCount { get; set; }
}
