using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Reputation;

/// <summary>What a reputation grain keeps in its own record: the newest events not yet sealed in a page, the pages that
/// hold the other kept events (at most <see cref="ReputationOptions.MaxEvents"/> in all), the checkpoint of the older
/// ones, the totals and the ban.</summary>
[GenerateSerializer]
[Alias("marketplace.reputation-state")]
internal sealed class ReputationState
{
    /// <summary>The kept events newer than the last sealed page, by sequence number.</summary>
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

    /// <summary>The sealed pages of kept events, oldest first, each a record of its own (<see cref="ReputationPage"/>).</summary>
    [Id(8)] public List<ReputationPageRef> Pages { get; set; } = [];

    /// <summary>The number the next sealed page gets.</summary>
    [Id(9)] public long NextPage { get; set; }
}

/// <summary>A sealed page of kept events, as the reputation grain's record names it.</summary>
[GenerateSerializer]
[Alias("marketplace.reputation-page-ref")]
internal sealed class ReputationPageRef
{
    /// <summary>The page's number: its record's key is the worker id, a slash and this number.</summary>
    [Id(0)] public long Number { get; set; }

    /// <summary>Events in the page.</summary>
    [Id(1)] public int Count { get; set; }

    /// <summary>Its first events already folded into the checkpoint (skipped when it is read).</summary>
    [Id(2)] public int Folded { get; set; }
}

/// <summary>A sealed page of kept events: written once, removed when all its events are folded.</summary>
[GenerateSerializer]
[Alias("marketplace.reputation-page")]
internal sealed class ReputationPage
{
    /// <summary>The events, by sequence number.</summary>
    [Id(0)] public List<ReputationEvent> Events { get; set; } = [];
}
