namespace Marketplace.GrainInterfaces;

/// <summary>A page of the journal (<see cref="ISettlement.GetJournalAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.ledger-journal-page")]
[Immutable]
public sealed class LedgerJournalPage
{
    /// <summary>Entries, oldest first.</summary>
    [Id(0)] public List<LedgerEntry> Entries { get; set; } = [];

    /// <summary>The cursor of the next page (<see cref="PageCursor"/>), or null at the newest entry.</summary>
    [Id(1)] public string? NextCursor { get; set; }

    /// <summary>The last sequence folded into the checkpoint: entries up to it are no longer listed (0: none).</summary>
    [Id(2)] public long CompactedThrough { get; set; }

    /// <summary>The sequence the oldest listed chained entry chains from (<see cref="LedgerHistoryChain"/>): the last
    /// entry compacted away, or the last one posted before the journal was chained (0: from the start).</summary>
    [Id(3)] public long AnchorSequence { get; set; }

    /// <summary>The hash that entry <see cref="AnchorSequence"/> + 1 chains from (32 bytes).</summary>
    [Id(4)] public byte[] AnchorHash { get; set; } = [];

    /// <summary>The hash of the newest entry when the page was read (<see cref="AnchorHash"/> when there is none).</summary>
    [Id(5)] public byte[] Head { get; set; } = [];
}
