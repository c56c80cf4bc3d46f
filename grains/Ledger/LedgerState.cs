using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Ledger;

/// <summary>What the ledger grain persists: one record, written once per operation that moves money.</summary>
[GenerateSerializer]
[Alias("marketplace.ledger-state")]
internal sealed class LedgerState
{
    /// <summary>Every account but <see cref="LedgerAccounts.Outside"/> with a balance above zero.</summary>
    [Id(0)] public Dictionary<string, UInt128> Balances { get; set; } = [];

    /// <summary>What came in from outside, net; the outside account's balance is minus it.</summary>
    [Id(1)] public UInt128 OutsideNet { get; set; }

    /// <summary>The last entry's sequence.</summary>
    [Id(2)] public long Sequence { get; set; }

    /// <summary>The newest entries, oldest first (at most <see cref="LedgerOptions.MaxJournalEntries"/>).</summary>
    [Id(3)] public List<LedgerEntry> Journal { get; set; } = [];

    /// <summary>The balances the entries dropped from <see cref="Journal"/> add up to.</summary>
    [Id(4)] public LedgerCheckpoint Checkpoint { get; set; } = new();

    /// <summary>Receipts of deposits, withdrawals, stakes and unstakes by <c>operation/id</c>; kept for good, so a
    /// retry never pays twice however late it comes.</summary>
    [Id(5)] public Dictionary<string, LedgerReceipt> Operations { get; set; } = [];

    /// <summary>Every job escrowed, with its settlement once settled; kept for good (a job settles at most once).</summary>
    [Id(6)] public Dictionary<string, JobEscrow> Jobs { get; set; } = [];

    /// <summary>The sum of each client's open escrows.</summary>
    [Id(7)] public Dictionary<string, UInt128> EscrowedByClient { get; set; } = [];

    /// <summary>Each worker's unstake requests not yet withdrawn, oldest first; they add up to its unbonding account.</summary>
    [Id(8)] public Dictionary<string, List<UnbondingStake>> Unbonding { get; set; } = [];

    /// <summary>Every slash by evidence hash.</summary>
    [Id(9)] public Dictionary<string, SlashResult> Slashes { get; set; } = [];

    /// <summary>The hash of the newest entry (the anchor's when there is none); null in a record stored before the
    /// journal was chained, until <see cref="LedgerBook.EnsureChained"/> chains it.</summary>
    [Id(10)] public byte[]? Head { get; set; }

    /// <summary>What the oldest kept entry chains from: the last entry compacted away (null: see <see cref="Head"/>).</summary>
    [Id(11)] public LedgerChainAnchor? Anchor { get; set; }
}

/// <summary>The balances as of the last entry folded out of the journal.</summary>
[GenerateSerializer]
[Alias("marketplace.ledger-checkpoint")]
internal sealed class LedgerCheckpoint
{
    /// <summary>The last sequence folded in (0: none).</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>Balances of every account but outside, above zero.</summary>
    [Id(1)] public Dictionary<string, UInt128> Balances { get; set; } = [];

    /// <summary>The outside account's net.</summary>
    [Id(2)] public UInt128 OutsideNet { get; set; }
}
