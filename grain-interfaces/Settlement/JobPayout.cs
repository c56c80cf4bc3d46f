namespace Marketplace.GrainInterfaces;

/// <summary>What a verified result pays (<see cref="ISettlement.PayAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.job-payout")]
[Immutable]
public sealed class JobPayout
{
    /// <summary>The worker that executed the job.</summary>
    [Id(0)] public string ExecutorId { get; set; } = "";

    /// <summary>What the client pays: <c>fuel_used × price</c> (<see cref="SettlementAmounts.ForFuel"/>), at most the
    /// escrow; may be 0 (nothing charged, the whole escrow refunded).</summary>
    [Id(1)] public UInt128 Charge { get; set; }

    /// <summary>The committee members (worker ids, distinct) that verified the result; they share the committee fee.
    /// Empty: no committee, the executor gets the whole charge.</summary>
    [Id(2)] public List<string> Committee { get; set; } = [];
}
