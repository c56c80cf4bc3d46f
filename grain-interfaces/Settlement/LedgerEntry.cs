namespace Marketplace.GrainInterfaces;

/// <summary>One journal entry: an operation's postings, whose debits and credits are equal.</summary>
[GenerateSerializer]
[Alias("marketplace.ledger-entry")]
[Immutable]
public sealed class LedgerEntry
{
    /// <summary>The entry's number: 1 for the first, one more for each entry after.</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>When it was posted.</summary>
    [Id(1)] public DateTimeOffset At { get; set; }

    /// <summary>The operation.</summary>
    [Id(2)] public LedgerOperation Operation { get; set; }

    /// <summary>What the operation is idempotent by: the operation id, the job id or the evidence hash.</summary>
    [Id(3)] public string Reference { get; set; } = "";

    /// <summary>The postings, debits first.</summary>
    [Id(4)] public List<LedgerPosting> Postings { get; set; } = [];

    /// <summary><see cref="LedgerHistoryChain.EntryHash"/> of the entry, chained to the one before (32 bytes); empty
    /// for an entry posted before the journal was chained.</summary>
    [Id(5)] public byte[] Hash { get; set; } = [];
}
