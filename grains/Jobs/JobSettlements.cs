using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// The job flow's way to the settlement (<see cref="ISettlement"/>, key <see cref="ISettlement.DefaultKey"/>): the
/// settlement's terms are read once per silo (they come from the silo's configuration and do not change while it
/// runs), and every call a job makes goes through here. A test silo may register a
/// <see cref="SettlementFaultInjection"/> to make calls fail.
/// </summary>
internal sealed class JobSettlements(IGrainFactory grains, IServiceProvider services)
{
    private readonly SettlementFaultInjection? _faults = services.GetService<SettlementFaultInjection>();
    private SettlementTerms? _terms;

    /// <summary>The settlement grain.</summary>
    public ISettlement Ledger => grains.GetGrain<ISettlement>(ISettlement.DefaultKey);

    /// <summary>The silo's grouping of settlement calls.</summary>
    private ISettlementGroupingGrain Grouping => grains.GetGrain<ISettlementGroupingGrain>(0);

    /// <summary>The settlement's terms (cached for the silo's life).</summary>
    public async ValueTask<SettlementTerms> TermsAsync()
    {
        if (Volatile.Read(ref _terms) is { } cached)
        {
            return cached;
        }

        var terms = await Ledger.GetTermsAsync();
        Volatile.Write(ref _terms, terms);
        return terms;
    }

    /// <summary>Escrows <paramref name="amount"/> for the job (<see cref="ISettlement.EscrowAsync"/>), grouped with the
    /// silo's other escrows of the moment (<see cref="ISettlementGroupingGrain"/>).</summary>
    public async Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount)
    {
        _faults?.Before(SettlementCall.Escrow, jobId);
        var escrow = await Grouping.EscrowAsync(jobId, clientId, amount);
        _faults?.After(SettlementCall.Escrow, jobId);
        return escrow;
    }

    /// <summary>Pays the job (<see cref="ISettlement.PayAsync"/>), grouped with the silo's other settlements of the
    /// moment.</summary>
    public async Task<JobSettlement> PayAsync(string jobId, JobPayout payout)
    {
        _faults?.Before(SettlementCall.Settle, jobId);
        var settlement = await Grouping.PayAsync(jobId, payout);
        _faults?.After(SettlementCall.Settle, jobId);
        return settlement;
    }

    /// <summary>Refunds the job (<see cref="ISettlement.RefundAsync"/>), grouped with the silo's other settlements of
    /// the moment.</summary>
    public async Task<JobSettlement> RefundAsync(string jobId, RefundReason reason)
    {
        _faults?.Before(SettlementCall.Settle, jobId);
        var settlement = await Grouping.RefundAsync(jobId, reason);
        _faults?.After(SettlementCall.Settle, jobId);
        return settlement;
    }
}
