namespace Marketplace.GrainInterfaces;

/// <summary>
/// The settlement's journal as a hash chain (<see cref="LedgerHistoryChain"/>): every kept chained entry with the
/// hash that commits to it and to every entry before it, from an anchor (the last entry compacted away). The file
/// <c>marketplace history --ledger --out FILE</c> writes.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.ledger-history")]
[Immutable]
public sealed class LedgerHistory
{
    /// <summary>The kind of the file.</summary>
    public const string HistoryKind = "ledger_history";

    /// <summary>The form (<see cref="HistoryKind"/>).</summary>
    [Id(0)] public string Kind { get; set; } = HistoryKind;

    /// <summary>The sequence of the entry the first listed entry chains from (0: the start of the ledger).</summary>
    [Id(1)] public long AnchorSequence { get; set; }

    /// <summary>The hash the first listed entry chains from (32 bytes).</summary>
    [Id(2)] public byte[] AnchorHash { get; set; } = [];

    /// <summary>The entries, oldest first, numbered from <see cref="AnchorSequence"/> + 1.</summary>
    [Id(3)] public List<LedgerEntry> Entries { get; set; } = [];

    /// <summary>The hash of the last entry (<see cref="AnchorHash"/> when there is none): the head a reader keeps to
    /// check a later history against.</summary>
    [Id(4)] public byte[] Head { get; set; } = [];
}
