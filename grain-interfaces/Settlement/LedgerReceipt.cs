namespace Marketplace.GrainInterfaces;

/// <summary>The outcome of a deposit, withdrawal, stake or unstake; a repeated call returns the first receipt.</summary>
[GenerateSerializer]
[Alias("marketplace.ledger-receipt")]
[Immutable]
public sealed class LedgerReceipt
{
    /// <summary>The journal entry's sequence (0: nothing was posted, e.g. no unstake released yet).</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>The operation.</summary>
    [Id(1)] public LedgerOperation Operation { get; set; }

    /// <summary>The operation id the call gave (empty for <see cref="ISettlement.WithdrawUnstakedAsync"/>).</summary>
    [Id(2)] public string OperationId { get; set; } = "";

    /// <summary>The client or worker the operation is for.</summary>
    [Id(3)] public string Owner { get; set; } = "";

    /// <summary>The amount moved.</summary>
    [Id(4)] public UInt128 Amount { get; set; }

    /// <summary>When it was posted.</summary>
    [Id(5)] public DateTimeOffset At { get; set; }

    /// <summary>For an unstake, when the amount is released.</summary>
    [Id(6)] public DateTimeOffset? ReleaseAt { get; set; }
}
