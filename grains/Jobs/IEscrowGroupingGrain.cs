using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>The silo's way to the settlement's escrow for jobs being submitted (key 0; one activation per silo):
/// escrows asked for while an earlier group is at the settlement wait and go together in the next
/// <see cref="ISettlement.EscrowManyAsync"/> call, so a burst of submits costs the one settlement grain a few calls
/// instead of one each. At low load a group is one escrow and nothing waits.</summary>
[Alias("marketplace.escrow-grouping-grain")]
internal interface IEscrowGroupingGrain : IGrainWithIntegerKey
{
    /// <summary>Escrows <paramref name="amount"/> for the job, as <see cref="ISettlement.EscrowAsync"/> does and with
    /// its errors.</summary>
    [Alias("escrow")]
    Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount);
}
