using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Ledger;

/// <summary>Job escrow and its one settlement: paid on a verified result or refunded.</summary>
internal sealed partial class LedgerGrain
{
    /// <inheritdoc />
    public async Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount)
    {
        var escrow = Escrow(jobId, clientId, amount, out var posted);
        if (posted)
        {
            await CommitAsync();
        }

        return escrow;
    }

    /// <inheritdoc />
    public async Task<EscrowOutcome[]> EscrowManyAsync(EscrowRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Length > ISettlement.MaxEscrowsPerCall)
        {
            throw new InvalidRequestException($"requests: {requests.Length} escrows in one call; at most {ISettlement.MaxEscrowsPerCall}");
        }

        // Every escrow is posted in memory, then one write records them all; if it fails, none of the posted ones
        // happened (the activation is dropped and reloads what was stored).
        var outcomes = new EscrowOutcome[requests.Length];
        var posted = new bool[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            try
            {
                outcomes[i] = new EscrowOutcome { Escrow = Escrow(requests[i].JobId, requests[i].ClientId, requests[i].Amount, out posted[i]) };
            }
            catch (MarketplaceException e)
            {
                outcomes[i] = new EscrowOutcome { Error = e };
            }
        }

        if (Array.IndexOf(posted, true) >= 0)
        {
            await CommitAsync();
        }

        return outcomes;
    }

    /// <summary>Posts the escrow in memory (<paramref name="posted"/> true), or answers the recorded one.</summary>
    private JobEscrow Escrow(string jobId, string clientId, UInt128 amount, out bool posted)
    {
        posted = false;
        SettlementIds.Require(jobId, nameof(jobId));
        SettlementIds.Require(clientId, nameof(clientId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        if (State.Jobs.TryGetValue(jobId, out var existing))
        {
            if (!string.Equals(existing.ClientId, clientId, StringComparison.Ordinal) || existing.Amount != amount)
            {
                throw new SettlementConflictException(
                    $"jobId: job {jobId} is escrowed with {existing.Amount} of client {existing.ClientId}, not {amount} of client {clientId}");
            }

            return existing;
        }

        var available = Book.Balance(LedgerAccounts.ClientAvailable(clientId));
        if (available < amount)
        {
            throw new InsufficientFundsException($"client {clientId} has {available} available; job {jobId} escrows {amount}");
        }

        var entry = Book.Post(LedgerOperation.Escrow, jobId, clock.Now,
            [Debit(LedgerAccounts.ClientAvailable(clientId), amount), Credit(LedgerAccounts.JobEscrow(jobId), amount)]);
        var escrow = new JobEscrow { JobId = jobId, ClientId = clientId, Amount = amount, Sequence = entry.Sequence, At = entry.At };
        State.Jobs[jobId] = escrow;
        State.EscrowedByClient[clientId] = checked(State.EscrowedByClient.GetValueOrDefault(clientId) + amount);
        posted = true;
        return escrow;
    }

    /// <inheritdoc />
    public Task<JobEscrow?> GetEscrowAsync(string jobId)
    {
        SettlementIds.Require(jobId, nameof(jobId));
        return Task.FromResult(State.Jobs.GetValueOrDefault(jobId));
    }

    /// <inheritdoc />
    public async Task<JobSettlement> PayAsync(string jobId, JobPayout payout)
    {
        var settlement = Pay(jobId, payout, out var posted);
        if (posted)
        {
            await CommitAsync();
        }

        return settlement;
    }

    /// <inheritdoc />
    public async Task<JobSettlementOutcome[]> SettleManyAsync(JobSettlementRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Length > ISettlement.MaxEscrowsPerCall)
        {
            throw new InvalidRequestException($"requests: {requests.Length} settlements in one call; at most {ISettlement.MaxEscrowsPerCall}");
        }

        // Every settlement is posted in memory, then one write records them all; if it fails, none of the posted
        // ones happened (the activation is dropped and reloads what was stored).
        var outcomes = new JobSettlementOutcome[requests.Length];
        var any = false;
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            try
            {
                bool posted;
                var settlement = request.Payout is { } payout
                    ? Pay(request.JobId, payout, out posted)
                    : Refund(request.JobId, request.Refund ?? throw new InvalidRequestException($"requests[{i}]: neither a payout nor a refund reason"), out posted);
                outcomes[i] = new JobSettlementOutcome { Settlement = settlement };
                any |= posted;
            }
            catch (MarketplaceException e)
            {
                outcomes[i] = new JobSettlementOutcome { Error = e };
            }
        }

        if (any)
        {
            await CommitAsync();
        }

        return outcomes;
    }

    /// <summary>Posts the payment in memory (<paramref name="posted"/> true), or answers the recorded settlement.</summary>
    private JobSettlement Pay(string jobId, JobPayout payout, out bool posted)
    {
        posted = false;
        SettlementIds.Require(jobId, nameof(jobId));
        ArgumentNullException.ThrowIfNull(payout);
        var job = OpenOrSettled(jobId, SettlementOutcome.Paid, out var settled);
        if (settled is not null)
        {
            return settled;
        }

        posted = true;

        var (executorAmount, shares, refunded) = SettlementAmounts.SplitPayout(jobId, job.Amount, payout, _options.CommitteeFeePercent);
        List<LedgerPosting> postings = [Debit(LedgerAccounts.JobEscrow(jobId), job.Amount)];
        if (executorAmount != UInt128.Zero)
        {
            postings.Add(Credit(LedgerAccounts.WorkerEarnings(payout.ExecutorId), executorAmount));
        }

        postings.AddRange(shares.Where(s => s.Amount != UInt128.Zero).Select(s => Credit(LedgerAccounts.WorkerEarnings(s.WorkerId), s.Amount)));
        if (refunded != UInt128.Zero)
        {
            postings.Add(Credit(LedgerAccounts.ClientAvailable(job.ClientId), refunded));
        }

        var entry = Book.Post(LedgerOperation.Payment, jobId, clock.Now, postings);
        return Settle(job, new JobSettlement
        {
            JobId = jobId,
            ClientId = job.ClientId,
            Outcome = SettlementOutcome.Paid,
            Escrowed = job.Amount,
            Charged = payout.Charge,
            ExecutorId = payout.ExecutorId,
            ExecutorAmount = executorAmount,
            CommitteeShares = shares,
            Refunded = refunded,
            Sequence = entry.Sequence,
            At = entry.At,
        });
    }

    /// <inheritdoc />
    public async Task<JobSettlement> RefundAsync(string jobId, RefundReason reason)
    {
        var settlement = Refund(jobId, reason, out var posted);
        if (posted)
        {
            await CommitAsync();
        }

        return settlement;
    }

    /// <summary>Posts the refund in memory (<paramref name="posted"/> true), or answers the recorded settlement.</summary>
    private JobSettlement Refund(string jobId, RefundReason reason, out bool posted)
    {
        posted = false;
        SettlementIds.Require(jobId, nameof(jobId));
        if (!Enum.IsDefined(reason))
        {
            throw new InvalidRequestException($"reason: {(int)reason} is not a refund reason");
        }

        var job = OpenOrSettled(jobId, SettlementOutcome.Refunded, out var settled);
        if (settled is not null)
        {
            return settled;
        }

        posted = true;
        var entry = Book.Post(LedgerOperation.Refund, jobId, clock.Now,
            [Debit(LedgerAccounts.JobEscrow(jobId), job.Amount), Credit(LedgerAccounts.ClientAvailable(job.ClientId), job.Amount)]);
        return Settle(job, new JobSettlement
        {
            JobId = jobId,
            ClientId = job.ClientId,
            Outcome = SettlementOutcome.Refunded,
            Escrowed = job.Amount,
            Refunded = job.Amount,
            RefundReason = reason,
            Sequence = entry.Sequence,
            At = entry.At,
        });
    }

    /// <summary>The job's escrow while open; its settlement when already settled the same way; a conflict when it
    /// was never escrowed or settled the other way.</summary>
    private JobEscrow OpenOrSettled(string jobId, SettlementOutcome wanted, out JobSettlement? settled)
    {
        if (!State.Jobs.TryGetValue(jobId, out var job))
        {
            throw new SettlementConflictException($"jobId: job {jobId} has no escrow to settle");
        }

        settled = job.Settlement;
        if (settled is not null && settled.Outcome != wanted)
        {
            throw new SettlementConflictException(settled.Outcome == SettlementOutcome.Paid
                ? $"jobId: job {jobId} was paid (entry {settled.Sequence}); it cannot be refunded"
                : $"jobId: job {jobId} was refunded ({settled.RefundReason}, entry {settled.Sequence}); it cannot be paid");
        }

        return job;
    }

    /// <summary>Records the settlement in memory; the caller writes the ledger.</summary>
    private JobSettlement Settle(JobEscrow job, JobSettlement settlement)
    {
        job.Settlement = settlement;
        var open = State.EscrowedByClient.GetValueOrDefault(job.ClientId) - job.Amount;
        if (open == UInt128.Zero)
        {
            State.EscrowedByClient.Remove(job.ClientId);
        }
        else
        {
            State.EscrowedByClient[job.ClientId] = open;
        }

        return settlement;
    }
}
