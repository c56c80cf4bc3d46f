namespace Marketplace.GrainInterfaces;

/// <summary>Where a ledger's hash chain starts today: the sequence of the entry before the oldest chained entry kept,
/// and the hash that entry chains from (<see cref="LedgerHistoryChain"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.ledger-chain-anchor")]
public sealed class LedgerChainAnchor
{
    /// <summary>The sequence (0: the start of the ledger).</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>The hash the next entry chains from (32 bytes).</summary>
    [Id(1)] public byte[] Hash { get; set; } = [];

    /// <summary>The anchor of a ledger whose entries up to <paramref name="sequence"/> are not chained (0: a new
    /// ledger): <see cref="LedgerHistoryChain.Anchor"/>.</summary>
    public static LedgerChainAnchor At(long sequence) => new() { Sequence = sequence, Hash = LedgerHistoryChain.Anchor(sequence) };
}
