namespace Marketplace.GrainInterfaces;

/// <summary>The terms a settlement applies (<see cref="ISettlement.GetTermsAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.settlement-terms")]
[Immutable]
public sealed class SettlementTerms
{
    /// <summary>Whether the job flow settles jobs through the settlement (escrow at submit, pay or refund at the end).
    /// The settlement answers its calls either way.</summary>
    [Id(0)] public bool Enabled { get; set; }

    /// <summary>Bonded stake a worker needs to be matched, in smallest units.</summary>
    [Id(1)] public UInt128 MinimumStake { get; set; }

    /// <summary>Time from an unstake request to its release.</summary>
    [Id(2)] public TimeSpan UnstakeDelay { get; set; }

    /// <summary>Percent of a job's charge that goes to its committee (the executor gets the rest).</summary>
    [Id(3)] public int CommitteeFeePercent { get; set; }

    /// <summary>Percent of a worker's stake slashed per reason.</summary>
    [Id(4)] public Dictionary<SlashReason, int> SlashPercent { get; set; } = [];

    /// <summary>The account slashed stake goes to (<see cref="LedgerAccounts.Treasury"/>).</summary>
    [Id(5)] public string TreasuryAccount { get; set; } = LedgerAccounts.Treasury;
}
