// Design note: a deal lasts the term its client asked for (DealStatus.EndsAt). The first audit round at or after the
// end challenges nobody: it settles the periods still open on the findings of the last audit (the same rule as every
// period), deletes each fragment from its provider and only then records the deal as ended, so a crash in between
// repeats the deletes (idempotent) instead of penalising providers for fragments the deal itself removed.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    /// <summary>True when the deal's term is over (deals recorded before terms existed have none).</summary>
    private bool TermOver(DealStatus status) => status.EndsAt != default && time.GetUtcNow() >= status.EndsAt;

    /// <summary>Payment periods within the term, the last one whole even when the term ends inside it; 0 for a deal
    /// without a term.</summary>
    private int TermPeriods(DealStatus status)
    {
        if (status.EndsAt == default)
        {
            return 0;
        }

        var term = (status.EndsAt - status.CreatedAt).Ticks;
        var period = Options.PaymentPeriod.Ticks;
        return (int)Math.Min(int.MaxValue, (term + period - 1) / period);
    }

    /// <summary>Deletes every fragment from its provider, then records the deal as ended and stops its audits.</summary>
    private async Task<DealStatus> EndAsync(DealStatus status)
    {
        var kept = 0;
        foreach (var fragment in status.Fragments)
        {
            try
            {
                await Provider(fragment.ProviderId).DeleteFragmentAsync(DealId, fragment.Index).WaitAsync(Options.ProviderTimeout);
            }
            catch (Exception e) when (e is StorageUnavailableException or TimeoutException or OrleansException)
            {
                // A provider out of reach keeps its copy until it deletes deals it no longer serves; it is paid
                // nothing more for it.
                kept++;
                StorageLog.EndDeleteFailed(log, e, DealId, fragment.Index, fragment.ProviderId);
            }
        }

        state.State.RepairPlan.Clear();
        Enter(status, DealState.Ended, kept == 0
            ? $"term ended at {status.EndsAt:O}; {status.PeriodsSettled} periods settled, every fragment deleted"
            : $"term ended at {status.EndsAt:O}; {status.PeriodsSettled} periods settled, {kept} fragments left on providers out of reach");
        await state.WriteStateAsync();
        _auditTimer?.Dispose();
        _auditTimer = null;
        if (await this.GetReminder(AuditReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        return status;
    }
}
