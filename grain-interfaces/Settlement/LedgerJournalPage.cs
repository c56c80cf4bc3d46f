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
}
