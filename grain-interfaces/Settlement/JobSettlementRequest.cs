namespace Marketplace.GrainInterfaces;

/// <summary>One job's settlement in <see cref="ISettlement.SettleManyAsync"/>: a payment (<see cref="Payout"/>, the
/// arguments of <see cref="ISettlement.PayAsync"/>) or a refund (<see cref="Refund"/>, of
/// <see cref="ISettlement.RefundAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.job-settlement-request")]
[Immutable]
public sealed class JobSettlementRequest
{
    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>Set for a payment.</summary>
    [Id(1)] public JobPayout? Payout { get; set; }

    /// <summary>Set for a refund (when <see cref="Payout"/> is null).</summary>
    [Id(2)] public RefundReason? Refund { get; set; }
}
