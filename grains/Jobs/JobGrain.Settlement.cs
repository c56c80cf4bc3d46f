// Design: money moves through the settlement (ISettlement) when its terms say jobs are paid (Marketplace:Ledger:Enabled).
// Submit escrows max_fuel × the job's max price before the job is stored; a submit that fails after that refunds the
// escrow (so no money stays locked by a job that does not exist). The settlement is one grain per cluster: when it
// does not answer within EscrowAtSubmitWait (its silo died and is not declared dead yet), the job is stored with its
// escrow pending and takes it up before matching (the ledger keys escrows by job, so a call that landed late is the
// one taken); a refusal then fails the job insufficient_funds before anything ran, and a job that ends while its
// escrow is pending takes it up to refund it. The end of a job marks the settlement owed in the
// same state write that makes it terminal, then pays (completed: its receipt was checked before it could complete) or
// refunds (anything else); the answer is stored and the mark cleared. A failed call leaves the mark: a grain timer
// retries with a growing delay and the watchdog reminder (kept while the mark is set) retries after a restart. Every
// call is idempotent by the job id in the ledger, so a retry whose first try landed (a lost answer) gets the first
// settlement back and moves nothing: a job is paid or refunded exactly once.
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Grains.Jobs;

/// <summary>Escrow at submit, pay or refund at the end, retried until the settlement answers.</summary>
internal sealed partial class JobGrain
{
    private IGrainTimer? _settlementTimer;

    /// <summary>The price per million fuel a submission is escrowed and matched at when jobs are paid: its own max
    /// price, else <see cref="JobsOptions.DefaultMaxPricePerMillionFuel"/>.</summary>
    /// <exception cref="InvalidRequestException">No max price and no default.</exception>
    private long EscrowPriceOf(JobSubmission submission)
    {
        if (submission.MaxPricePerMillionFuel > 0)
        {
            return submission.MaxPricePerMillionFuel;
        }

        if (_options.DefaultMaxPricePerMillionFuel > 0)
        {
            return _options.DefaultMaxPricePerMillionFuel;
        }

        throw new InvalidRequestException("maxPricePerMillionFuel: jobs are paid through the settlement, so a job must name the most it pays per million fuel (a positive number); this silo has no default price");
    }

    /// <summary>Escrows <paramref name="amount"/> for this job at submit. An escrow that the settlement already
    /// refunded (an earlier submit with the same request id failed after escrowing) cannot be reused.</summary>
    private async Task<UInt128> EscrowAtSubmitAsync(string clientId, UInt128 amount)
    {
        var escrow = await AwaitEscrowCallAsync(() => settlements.EscrowAsync(JobId, clientId, amount), _options.EscrowAtSubmitWait);
        if (escrow.Settlement is not null)
        {
            throw new RequestIdConflictException($"job {JobId}: an earlier submit with this request id failed after its escrow was taken, and the escrow was refunded; submit with a new request id");
        }

        return escrow.Amount;
    }

    /// <summary>Takes the escrow a submit left pending (the settlement did not answer it in time), before the job is
    /// matched. True when the job is escrowed and may go on; false when it waits (the settlement still does not
    /// answer: the job stays pending and its timer asks again) or failed (the escrow was refused: nothing ran, nothing
    /// moved).</summary>
    private async Task<bool> TakePendingEscrowAsync()
    {
        JobEscrow escrow;
        try
        {
            escrow = await AwaitEscrowCallAsync(() => settlements.EscrowAsync(JobId, Info.ClientId, PendingEscrowAmount), _options.EscrowAtSubmitWait);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or ChainSettlementUnavailableException)
        {
            var delay = _options.RetryBaseDelay < StepRetryDelay ? _options.RetryBaseDelay : StepRetryDelay;
            state.State.NextMatchAt = DateTimeOffset.UtcNow + delay;
            AddLog("warn", string.Create(CultureInfo.InvariantCulture, $"the escrow is still pending ({e.GetType().Name}); asking the settlement again in {delay.TotalMilliseconds:0} ms"));
            return false;
        }
        catch (MarketplaceException e)
        {
            state.State.EscrowPending = false;
            await FinishAsync(JobStatus.Failed, FailureReason.InsufficientFunds, $"the escrow was refused before matching ({e.Code}): {e.Message}");
            return false;
        }

        if (escrow.Settlement is not null)
        {
            // Settled before this job took it up (an operator's refund): the job cannot run on it.
            state.State.EscrowPending = false;
            state.State.Escrowed = escrow.Amount;
            state.State.Settlement = escrow.Settlement;
            await FinishAsync(JobStatus.Failed, FailureReason.InsufficientFunds, $"the job's escrow was already settled ({MarketplaceJson.EnumName(escrow.Settlement.Outcome)}) when the job took it up");
            return false;
        }

        state.State.EscrowPending = false;
        state.State.Escrowed = escrow.Amount;
        AddLog("info", $"escrowed {escrow.Amount} (max fuel × {state.State.MaxPricePerMillionFuel} per million fuel) before matching");
        await state.WriteStateAsync();
        return true;
    }

    /// <summary>The escrow call of this activation still under way (its answer not waited for to the end), or null.
    /// Waited for again rather than sent twice: under load the settlement answers late, and a second call would only
    /// add to its queue.</summary>
    private Task<JobEscrow>? _escrowCall;

    /// <summary>Waits at most <paramref name="wait"/> for the escrow call under way, starting one with
    /// <paramref name="start"/> when there is none. A call that did not answer in time stays under way (a
    /// <see cref="TimeoutException"/> here); one that answered or failed is done.</summary>
    private async Task<JobEscrow> AwaitEscrowCallAsync(Func<Task<JobEscrow>> start, TimeSpan wait)
    {
        if (_escrowCall is null)
        {
            _escrowCall = start();

            // Observed here, so a call that fails after the job stopped waiting for it raises nothing.
            _ = _escrowCall.ContinueWith(static t => t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        var call = _escrowCall;
        try
        {
            var escrow = await call.WaitAsync(wait);
            _escrowCall = null;
            return escrow;
        }
        catch (Exception) when (call.IsCompleted)
        {
            // The call itself failed (not only the wait): the next attempt sends a new one.
            _escrowCall = null;
            throw;
        }
    }

    /// <summary>The amount a pending escrow asks for: the job's max fuel × its max price.</summary>
    private UInt128 PendingEscrowAmount => SettlementAmounts.ForFuel(Info.MaxFuel, state.State.MaxPricePerMillionFuel);

    /// <summary>A submit failed after asking for an escrow: give the escrow back so no money stays locked by a job that
    /// was never stored. If the settlement cannot be reached either, the escrow stays open and a resubmit with the
    /// same request id takes it up again (same amount).</summary>
    private async Task RefundAbandonedEscrowAsync()
    {
        try
        {
            await settlements.RefundAsync(JobId, RefundReason.Failed);
        }
        catch (SettlementConflictException)
        {
            // The escrow never happened (its call failed before the ledger applied it): nothing to give back.
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or ChainSettlementUnavailableException)
        {
            // Left open on purpose, see the summary; the submit's own error reaches the client.
        }
    }

    /// <summary>Pays or refunds the finished job when it owes its settlement; on a failure keeps owing it, arms the
    /// retry timer and keeps the watchdog reminder so a restart retries too.</summary>
    private async Task SettleAsync()
    {
        if (!state.State.SettlementOwed || !Terminal)
        {
            return;
        }

        _settlementTimer?.Dispose();
        _settlementTimer = null;
        JobSettlement settlement;
        try
        {
            if (state.State.EscrowPending && !await ResolvePendingEscrowAsync())
            {
                return;
            }

            settlement = Info.Status == JobStatus.Completed
                ? await settlements.PayAsync(JobId, Payout())
                : await settlements.RefundAsync(JobId, RefundReasonOf(Info.Status));
        }
        catch (MarketplaceException e)
        {
            // The settlement refused the call for good (a conflict with how the job's escrow already ended): retrying
            // cannot change that; the escrow's state is in the ledger for the operator.
            state.State.SettlementOwed = false;
            AddLog("error", $"settlement refused ({e.Code}): {e.Message}");
            await DropWatchdogAsync();
            await state.WriteStateAsync();
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Transient (the ledger unreachable, its storage failing, an answer lost): owed until it lands. Logged in
            // the job's log and retried; the ledger's idempotency by job id makes a retry of a call that landed safe.
            state.State.SettlementFailures++;
            var delay = RetryBackoff.Delay(state.State.SettlementFailures, _options.SettlementRetryDelay, _options.MaxRetryDelay);
            AddLog("warn", string.Create(CultureInfo.InvariantCulture, $"settlement failed ({e.GetType().Name}: {e.Message}); retrying in {delay.TotalMilliseconds:0} ms"));
            ArmSettlementRetry(delay);
            await EnsureWatchdogAsync();
            await state.WriteStateAsync();
            return;
        }

        state.State.Settlement = settlement;
        state.State.SettlementOwed = false;
        AddLog("info", settlement.Outcome == SettlementOutcome.Paid
            ? $"paid: charged {settlement.Charged} of the escrow of {settlement.Escrowed}, worker {settlement.ExecutorId} got {settlement.ExecutorAmount}, committee {CommitteeTotal(settlement)}, refunded {settlement.Refunded}"
            : $"refunded the escrow of {settlement.Refunded} ({settlement.RefundReason})");
        await DropWatchdogAsync();
        await state.WriteStateAsync();
    }

    /// <summary>A job that ended with its escrow pending (cancelled or expired before it was matched): the escrow call
    /// of its submit may have landed after the submit stopped waiting, so take it up (the ledger answers the landed
    /// one, keyed by the job) to refund it. True when there is an escrow to refund; false when none was taken (the
    /// ledger refused it: nothing to give back, nothing owed). A failure to reach the settlement throws and is retried
    /// as any settlement call.</summary>
    private async Task<bool> ResolvePendingEscrowAsync()
    {
        JobEscrow escrow;
        try
        {
            escrow = await settlements.EscrowAsync(JobId, Info.ClientId, PendingEscrowAmount);
        }
        catch (MarketplaceException e)
        {
            state.State.EscrowPending = false;
            state.State.SettlementOwed = false;
            AddLog("info", $"no escrow was taken ({e.Code}); nothing to refund");
            await DropWatchdogAsync();
            await state.WriteStateAsync();
            return false;
        }

        state.State.EscrowPending = false;
        state.State.Escrowed = escrow.Amount;
        if (escrow.Settlement is { } settled)
        {
            state.State.Settlement = settled;
            state.State.SettlementOwed = false;
            await DropWatchdogAsync();
            await state.WriteStateAsync();
            return false;
        }

        return true;
    }

    /// <summary>What a completed job pays: fuel used (at most the job's max fuel) × the winning bid's price, at most the
    /// escrow, to the worker that ran it, with <see cref="JobState.CommitteeMemberIds"/> sharing the fee.</summary>
    private JobPayout Payout()
    {
        var fuel = Math.Min(Info.FuelConsumed, Info.MaxFuel);
        var charge = SettlementAmounts.ForFuel(fuel, Info.PricePerMillionFuel);
        return new JobPayout
        {
            ExecutorId = state.State.PayeeId ?? Info.WorkerId ?? "",
            Charge = charge > state.State.Escrowed ? state.State.Escrowed : charge,
            Committee = [.. state.State.CommitteeMemberIds],
        };
    }

    private static RefundReason RefundReasonOf(JobStatus status) => status switch
    {
        JobStatus.TimedOut => RefundReason.TimedOut,
        JobStatus.Cancelled => RefundReason.Cancelled,
        JobStatus.Expired => RefundReason.Expired,
        _ => RefundReason.Failed,
    };

    private static UInt128 CommitteeTotal(JobSettlement settlement)
    {
        UInt128 total = 0;
        foreach (var share in settlement.CommitteeShares)
        {
            total += share.Amount;
        }

        return total;
    }

    private void ArmSettlementRetry(TimeSpan delay)
    {
        _settlementTimer?.Dispose();
        _settlementTimer = this.RegisterGrainTimer(static (grain, _) => grain.SettleAsync(), this, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }
}
