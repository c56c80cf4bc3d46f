using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>The silo's way to the settlement for its jobs (key 0; one activation per silo): escrows (and, apart,
/// payments and refunds) asked for while an earlier group of them is at the settlement wait and go together in the
/// next <see cref="ISettlement.EscrowManyAsync"/> (<see cref="ISettlement.SettleManyAsync"/>) call, so a burst of jobs
/// costs the one settlement grain a few calls and writes instead of one each. At low load a group is one call's worth
/// and nothing waits.</summary>
[Alias("marketplace.settlement-grouping-grain")]
internal interface ISettlementGroupingGrain : IGrainWithIntegerKey
{
    /// <summary>As <see cref="ISettlement.EscrowAsync"/>, with its errors.</summary>
    [Alias("escrow")]
    Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount);

    /// <summary>As <see cref="ISettlement.PayAsync"/>, with its errors.</summary>
    [Alias("pay")]
    Task<JobSettlement> PayAsync(string jobId, JobPayout payout);

    /// <summary>As <see cref="ISettlement.RefundAsync"/>, with its errors.</summary>
    [Alias("refund")]
    Task<JobSettlement> RefundAsync(string jobId, RefundReason reason);
}
