using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Reputation;

/// <summary>What a reputation grain keeps: the newest events (at most <see cref="ReputationOptions.MaxEvents"/>), the
/// checkpoint of the older ones, the totals and the ban.</summary>
[GenerateSerializer]
[Alias("marketplace.reputation-state")]
internal sealed class ReputationState
{
    /// <summary>The kept events, by sequence number.</summary>
    [Id(0)] public List<ReputationEvent> Events { get; set; } = [];

    /// <summary>The folded older events.</summary>
    [Id(1)] public ReputationCheckpoint Checkpoint { get; set; } = new();

    /// <summary>The sequence number of the newest event (0: none).</summary>
    [Id(2)] public long LastSequence { get; set; }

    /// <summary>Counts of all events by kind.</summary>
    [Id(3)] public ReputationCounts Counts { get; set; } = new();

    /// <summary>Σ latency of all successes, milliseconds.</summary>
    [Id(4)] public long LatencySumMs { get; set; }

    /// <summary>Successes with a latency.</summary>
    [Id(5)] public long LatencyCount { get; set; }

    /// <summary>End of the current or last ban.</summary>
    [Id(6)] public DateTimeOffset? BannedUntil { get; set; }

    /// <summary>Why.</summary>
    [Id(7)] public string? BanReason { get; set; }
}
