using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace Marketplace.Grains.Jobs;

/// <summary>Groups the silo's settlement calls (<see cref="ISettlementGroupingGrain"/>). A reentrant stateless worker:
/// it is always local and keeps nothing but the calls waiting, in memory.</summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class SettlementGroupingGrain : Grain, ISettlementGroupingGrain
{
    /// <summary>A group call to the settlement not answered within this no longer holds the next group back (half a
    /// submit's default escrow wait, <see cref="JobsOptions.EscrowAtSubmitWait"/>; a loaded 2-core host's groups
    /// answered within 0.3-0.5 s). When the settlement's silo has died, the next group is then refused as soon as the
    /// silo's connection is known to be gone, and its submits answer with the escrow pending instead of waiting out
    /// their whole wait behind the call that cannot answer.</summary>
    internal static readonly TimeSpan StalledGroupAfter = TimeSpan.FromMilliseconds(500);

    private readonly CallGroups<EscrowRequest, JobEscrow> _escrows;
    private readonly CallGroups<JobSettlementRequest, JobSettlement> _settlements;

    public SettlementGroupingGrain(IGrainFactory grains, IServiceProvider services)
    {
        var settlement = grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _escrows = new(async requests => Array.ConvertAll(await settlement.EscrowManyAsync(requests), o => (o.Escrow, o.Error)),
            ISettlement.MaxEscrowsPerCall, time, StalledGroupAfter);
        _settlements = new(async requests => Array.ConvertAll(await settlement.SettleManyAsync(requests), o => (o.Settlement, o.Error)),
            ISettlement.MaxEscrowsPerCall, time, StalledGroupAfter);
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
