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

    public async Task<DealStatus> DeleteAsync(string clientId)
    {
        var status = await GetStatusAsync(clientId);
        if (status.State == DealState.Ended)
        {
            await UnlistWhenPrivateAsync();
            return status;
        }

        return await EndNowAsync(status, $"deleted by its client at {time.GetUtcNow():O}");
    }

    /// <summary>Ends a deal still placing <see cref="StorageOptions.PlacingTimeout"/> after it was made (its upload
    /// abandoned, or cut with its silo), as its client's delete would: the escrow refunded, the quota released, the
    /// providers' space given back. An upload still under way then fails, as after a delete.</summary>
    private async Task EndIfAbandonedAsync()
    {
        var timeout = Options.EffectivePlacingTimeout;
        if (state.State.Status is { State: DealState.Placing } status && time.GetUtcNow() >= status.CreatedAt + timeout)
        {
            await EndNowAsync(status, $"its upload did not complete within {timeout} (Marketplace:Storage:PlacingTimeout)");
        }
    }

    /// <summary>Ends the term now and the deal with it.</summary>
    private async Task<DealStatus> EndNowAsync(DealStatus status, string why)
    {
        // The term ends now, recorded before anything is settled or deleted, so a crash in between finishes the same
        // way on the next call or audit round: the period under way counts as the term's last, paid on the last
        // audit's findings, and no further period is escrowed.
        var now = time.GetUtcNow();
        if (status.EndsAt == default || now < status.EndsAt)
        {
            status.EndsAt = now;
            await state.WriteStateAsync();
        }

        await SettlePeriodsAsync(status);
        return await EndAsync(status, why);
    }

    public Task<bool> KeepsFragmentAsync(string providerId, int index) => Task.FromResult(
        state.State.Status is { State: not DealState.Ended } status
        && ((index >= 0 && index < status.Fragments.Count && status.Fragments[index].ProviderId == providerId)
            || (state.State.RepairPlan.TryGetValue(index, out var target) && target == providerId)));

    /// <summary>Deletes every fragment from its provider, then records the deal as ended and stops its audits.</summary>
    private async Task<DealStatus> EndAsync(DealStatus status, string? why = null)
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
                // A provider out of reach keeps its copy until its next start, when it asks each deal it holds
                // fragments of (KeepsFragmentAsync, StorageProviderRegistration); it is paid nothing more for it.
                kept++;
                StorageLog.EndDeleteFailed(log, e, DealId, fragment.Index, fragment.ProviderId);
            }
        }

        await QuotaLedger(status.ClientId).ReleaseAsync(QuotaId);
        await GrainFactory.GetGrain<IClientDealsGrain>(status.ClientId).ClosedAsync(DealId, unlist: false);
        state.State.RepairPlan.Clear();
        why ??= $"term ended at {status.EndsAt:O}";
        Enter(status, DealState.Ended, kept == 0
            ? $"{why}; {status.PeriodsSettled} periods settled, every fragment deleted"
            : $"{why}; {status.PeriodsSettled} periods settled, {kept} fragments left on providers out of reach");
        await state.WriteStateAsync();
        _auditTimer?.Dispose();
        _auditTimer = null;
        if (await this.GetReminder(AuditReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        // A failure leaves the blob's index naming the ended deal (it answers every reader "not readable"); a repeated
        // delete tries again.
        await UnlistWhenPrivateAsync();
        return status;
    }
}
