using Marketplace.GrainInterfaces;
using Orleans.Concurrency;

namespace Marketplace.Grains.Jobs;

/// <summary>Groups the silo's settlement calls (<see cref="ISettlementGroupingGrain"/>). A reentrant stateless worker:
/// it is always local and keeps nothing but the calls waiting, in memory.</summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class SettlementGroupingGrain : Grain, ISettlementGroupingGrain
{
    private readonly CallGroups<EscrowRequest, JobEscrow> _escrows;
    private readonly CallGroups<JobSettlementRequest, JobSettlement> _settlements;

    public SettlementGroupingGrain(IGrainFactory grains)
    {
        var settlement = grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
        _escrows = new(async requests => Array.ConvertAll(await settlement.EscrowManyAsync(requests), o => (o.Escrow, o.Error)), ISettlement.MaxEscrowsPerCall);
        _settlements = new(async requests => Array.ConvertAll(await settlement.SettleManyAsync(requests), o => (o.Settlement, o.Error)), ISettlement.MaxEscrowsPerCall);
    }

    /// <inheritdoc />
    public Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount) =>
        _escrows.Add(new EscrowRequest { JobId = jobId, ClientId = clientId, Amount = amount });

    /// <inheritdoc />
    public Task<JobSettlement> PayAsync(string jobId, JobPayout payout) =>
        _settlements.Add(new JobSettlementRequest { JobId = jobId, Payout = payout });

    /// <inheritdoc />
    public Task<JobSettlement> RefundAsync(string jobId, RefundReason reason) =>
        _settlements.Add(new JobSettlementRequest { JobId = jobId, Refund = reason });
}
