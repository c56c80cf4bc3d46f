using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Ledger;

/// <summary>Worker stake: bonding, unbonding with a delay, withdrawal, earnings and slashing.</summary>
internal sealed partial class LedgerGrain
{
    /// <inheritdoc />
    public Task<LedgerReceipt> StakeAsync(string workerId, UInt128 amount, string stakeId) =>
        TransferAsync(LedgerOperation.Stake, "stake", (workerId, nameof(workerId)), amount, (stakeId, nameof(stakeId)),
            LedgerAccounts.Outside, LedgerAccounts.WorkerBonded(workerId));

    /// <inheritdoc />
    public async Task<LedgerReceipt> RequestUnstakeAsync(string workerId, UInt128 amount, string unstakeId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(unstakeId, nameof(unstakeId));
        var key = $"unstake/{unstakeId}";
        if (Recorded(key, nameof(unstakeId), workerId, amount) is { } recorded)
        {
            return recorded;
        }

        var bonded = Book.Balance(LedgerAccounts.WorkerBonded(workerId));
        if (bonded < amount)
        {
            throw new InsufficientFundsException($"worker {workerId} has {bonded} bonded; the unstake is {amount}");
        }

        var now = clock.Now;
        var releaseAt = now + _options.UnstakeDelay;
        var entry = Book.Post(LedgerOperation.Unstake, unstakeId, now,
            [Debit(LedgerAccounts.WorkerBonded(workerId), amount), Credit(LedgerAccounts.WorkerUnbonding(workerId), amount)]);
        if (!State.Unbonding.TryGetValue(workerId, out var requests))
        {
            State.Unbonding[workerId] = requests = [];
        }

        requests.Add(new UnbondingStake { UnstakeId = unstakeId, Amount = amount, ReleaseAt = releaseAt });
        var receipt = Receipt(entry, unstakeId, workerId, amount, releaseAt);
        State.Operations[key] = receipt;
        await CommitAsync();
        return receipt;
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> WithdrawUnstakedAsync(string workerId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        var now = clock.Now;
        var requests = State.Unbonding.GetValueOrDefault(workerId) ?? [];
        var released = UInt128.Zero;
        foreach (var request in requests.Where(r => r.ReleaseAt <= now))
        {
            released = checked(released + request.Amount);
        }

        if (released == UInt128.Zero)
        {
            return new LedgerReceipt { Operation = LedgerOperation.UnstakeWithdrawal, Owner = workerId, At = now };
        }

        var entry = Book.Post(LedgerOperation.UnstakeWithdrawal, workerId, now,
            [Debit(LedgerAccounts.WorkerUnbonding(workerId), released), Credit(LedgerAccounts.Outside, released)]);
        requests.RemoveAll(r => r.ReleaseAt <= now);
        if (requests.Count == 0)
        {
            State.Unbonding.Remove(workerId);
        }

        await CommitAsync();
        return Receipt(entry, "", workerId, released);
    }

    /// <inheritdoc />
    public Task<LedgerReceipt> WithdrawEarningsAsync(string workerId, UInt128 amount, string withdrawalId) =>
        TransferAsync(LedgerOperation.EarningsWithdrawal, "earnings", (workerId, nameof(workerId)), amount, (withdrawalId, nameof(withdrawalId)),
            LedgerAccounts.WorkerEarnings(workerId), LedgerAccounts.Outside,
            earnings => $"worker {workerId} has earned {earnings}; the withdrawal is {amount}");

    /// <inheritdoc />
    public Task<WorkerStake> GetStakeAsync(string workerId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        var bonded = Book.Balance(LedgerAccounts.WorkerBonded(workerId));
        return Task.FromResult(new WorkerStake
        {
            WorkerId = workerId,
            Bonded = bonded,
            Unbonding = [.. State.Unbonding.GetValueOrDefault(workerId) ?? []],
            Earnings = Book.Balance(LedgerAccounts.WorkerEarnings(workerId)),
            MinimumStake = MinimumStake,
            MeetsMinimum = bonded >= MinimumStake,
        });
    }

    /// <inheritdoc />
    public async Task<SlashResult> SlashAsync(string workerId, string evidenceHash, SlashReason reason)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        SettlementIds.Require(evidenceHash, nameof(evidenceHash));
        if (!Enum.IsDefined(reason))
        {
            throw new InvalidRequestException($"reason: {(int)reason} is not a slash reason");
        }

        if (State.Slashes.TryGetValue(evidenceHash, out var earlier))
        {
            if (!string.Equals(earlier.WorkerId, workerId, StringComparison.Ordinal) || earlier.Reason != reason)
            {
                throw new SettlementConflictException(
                    $"evidenceHash: '{evidenceHash}' already slashed worker {earlier.WorkerId} for {earlier.Reason}");
            }

            return earlier;
        }

        var now = clock.Now;
        var percent = _options.SlashPercent(reason);
        var bonded = Book.Balance(LedgerAccounts.WorkerBonded(workerId));
        var unbonding = Book.Balance(LedgerAccounts.WorkerUnbonding(workerId));
        var slashed = SettlementAmounts.PercentOf(checked(bonded + unbonding), percent);
        var fromBonded = UInt128.Min(bonded, slashed);
        var fromUnbonding = slashed - fromBonded;
        var result = new SlashResult
        {
            WorkerId = workerId,
            EvidenceHash = evidenceHash,
            Reason = reason,
            Percent = percent,
            Slashed = slashed,
            FromBonded = fromBonded,
            FromUnbonding = fromUnbonding,
            At = now,
        };
        if (slashed != UInt128.Zero)
        {
            List<LedgerPosting> postings = [];
            if (fromBonded != UInt128.Zero)
            {
                postings.Add(Debit(LedgerAccounts.WorkerBonded(workerId), fromBonded));
            }

            if (fromUnbonding != UInt128.Zero)
            {
                postings.Add(Debit(LedgerAccounts.WorkerUnbonding(workerId), fromUnbonding));
            }

            postings.Add(Credit(LedgerAccounts.Treasury, slashed));
            result.Sequence = Book.Post(LedgerOperation.Slash, evidenceHash, now, postings).Sequence;
            TakeFromUnbonding(workerId, fromUnbonding);
            _log.Slashed(Key, workerId, slashed.ToString(), reason.ToString(), percent, evidenceHash);
        }

        State.Slashes[evidenceHash] = result;
        await CommitAsync();
        return result;
    }

    /// <summary>Takes <paramref name="amount"/> from the worker's unstake requests, oldest first.</summary>
    private void TakeFromUnbonding(string workerId, UInt128 amount)
    {
        if (amount == UInt128.Zero || !State.Unbonding.TryGetValue(workerId, out var requests))
        {
            return;
        }

        for (var i = 0; i < requests.Count && amount != UInt128.Zero; i++)
        {
            var taken = UInt128.Min(requests[i].Amount, amount);
            amount -= taken;
            requests[i] = new UnbondingStake { UnstakeId = requests[i].UnstakeId, Amount = requests[i].Amount - taken, ReleaseAt = requests[i].ReleaseAt };
        }

        requests.RemoveAll(r => r.Amount == UInt128.Zero);
        if (requests.Count == 0)
        {
            State.Unbonding.Remove(workerId);
        }
    }
}
