namespace Marketplace.GrainInterfaces;

/// <summary>
/// Every account's balance at one moment (<see cref="ISettlement.GetTrialBalanceAsync"/>). The books balance when the
/// sum of <see cref="Balances"/> equals <see cref="OutsideNet"/>: the outside account's balance is minus it, so the
/// sum over all accounts is zero.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.ledger-trial-balance")]
[Immutable]
public sealed class LedgerTrialBalance
{
    /// <summary>Each account but <see cref="LedgerAccounts.Outside"/> with a balance above zero.</summary>
    [Id(0)] public Dictionary<string, UInt128> Balances { get; set; } = [];

    /// <summary>What came in from outside, net of what went out.</summary>
    [Id(1)] public UInt128 OutsideNet { get; set; }

    /// <summary>The last journal sequence.</summary>
    [Id(2)] public long Sequence { get; set; }

    /// <summary>The balances as of <see cref="CheckpointSequence"/>, into which older entries were compacted;
    /// replaying the journal kept after it on them gives <see cref="Balances"/>.</summary>
    [Id(3)] public Dictionary<string, UInt128> CheckpointBalances { get; set; } = [];

    /// <summary>The outside account's net at the checkpoint.</summary>
    [Id(4)] public UInt128 CheckpointOutsideNet { get; set; }

    /// <summary>The last sequence folded into the checkpoint (0: none).</summary>
    [Id(5)] public long CheckpointSequence { get; set; }
}
