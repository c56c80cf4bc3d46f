namespace Marketplace.GrainInterfaces;

/// <summary>How a job's escrow ended.</summary>
public enum SettlementOutcome
{
    /// <summary>Paid on a verified result (<see cref="ISettlement.PayAsync"/>).</summary>
    Paid = 0,

    /// <summary>Refunded in full (<see cref="ISettlement.RefundAsync"/>).</summary>
    Refunded = 1,
}

/// <summary>A job's settlement; a repeated pay or refund returns the first one.</summary>
[GenerateSerializer]
[Alias("marketplace.job-settlement")]
[Immutable]
public sealed class JobSettlement
{
    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The client that paid.</summary>
    [Id(1)] public string ClientId { get; set; } = "";

    /// <summary>Paid or refunded.</summary>
    [Id(2)] public SettlementOutcome Outcome { get; set; }

    /// <summary>The escrow released.</summary>
    [Id(3)] public UInt128 Escrowed { get; set; }

    /// <summary>What the client paid (0 for a refund).</summary>
    [Id(4)] public UInt128 Charged { get; set; }

    /// <summary>The executor (empty for a refund).</summary>
    [Id(5)] public string ExecutorId { get; set; } = "";

    /// <summary>What the executor got: the charge less the committee fee.</summary>
    [Id(6)] public UInt128 ExecutorAmount { get; set; }

    /// <summary>Each committee member's share of the fee, in the order given.</summary>
    [Id(7)] public List<CommitteeShare> CommitteeShares { get; set; } = [];

    /// <summary>What went back to the client (the whole escrow for a refund).</summary>
    [Id(8)] public UInt128 Refunded { get; set; }

    /// <summary>Why it was refunded (null when paid).</summary>
    [Id(9)] public RefundReason? RefundReason { get; set; }

    /// <summary>The settlement's journal entry.</summary>
    [Id(10)] public long Sequence { get; set; }

    /// <summary>When it settled.</summary>
    [Id(11)] public DateTimeOffset At { get; set; }
}

/// <summary>One committee member's share of a job's committee fee.</summary>
[GenerateSerializer]
[Alias("marketplace.committee-share")]
[Immutable]
public sealed class CommitteeShare
{
    /// <summary>The member (a worker id).</summary>
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>Its share, credited to its earnings.</summary>
    [Id(1)] public UInt128 Amount { get; set; }
}
