using System.Globalization;
using System.Numerics;
using System.Text;
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Settlement;

/// <summary>Worker stake on the Staking contract (bonded = active, unbonding = pending), earnings in the Escrow, and
/// slashing by evidence.</summary>
internal sealed partial class SettlementGrain
{
    /// <inheritdoc />
    public async Task<LedgerReceipt> StakeAsync(string workerId, UInt128 amount, string stakeId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(stakeId, nameof(stakeId));
        var operation = "stake/" + stakeId;
        if (Recorded(operation, nameof(stakeId), workerId, amount) is { } recorded)
        {
            return recorded;
        }

        var key = chain.Accounts.KeyOf(AccountRole.Worker, workerId);
        var worker = chain.Accounts.AddressOf(AccountRole.Worker, workerId);
        var wanted = (BigInteger)amount;
        await ChainAsync(async () =>
        {
            if (!HasStep(operation + "#stake"))
            {
                // approve, the key's registration (about 420,000 gas) and the stake
                await EnsureGasAsync(operation, worker, transactions: 3);
                await StepAsync(operation + "#fund", chain.Accounts.SettlementKey, chain.Token, SettlementChain.TokenAbi.GetFunction("transfer").EncodeCall(worker, wanted));
                var allowance = await chain.UIntAsync(SettlementChain.TokenAbi, chain.Token, "allowance", worker, chain.Staking);
                if (HasStep(operation + "#approve") || allowance < wanted)
                {
                    await StepAsync(operation + "#approve", key, chain.Token, SettlementChain.TokenAbi.GetFunction("approve").EncodeCall(chain.Staking, UnlimitedAllowance));
                }

                await RegisterWorkerKeyAsync(operation, workerId, worker, key);
            }

            await StepAsync(operation + "#stake", key, chain.Staking, SettlementChain.StakingAbi.GetFunction("stake").EncodeCall(wanted));
        });
        var entry = Post(LedgerOperation.Stake, stakeId, [Debit(LedgerAccounts.Outside, amount), Credit(LedgerAccounts.WorkerBonded(workerId), amount)]);
        return await RecordAsync(operation, Receipt(entry, stakeId, workerId, amount));
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> RequestUnstakeAsync(string workerId, UInt128 amount, string unstakeId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(unstakeId, nameof(unstakeId));
        var operation = "unstake/" + unstakeId;
        if (Recorded(operation, nameof(unstakeId), workerId, amount) is { } recorded)
        {
            return recorded;
        }

        var key = chain.Accounts.KeyOf(AccountRole.Worker, workerId);
        var worker = chain.Accounts.AddressOf(AccountRole.Worker, workerId);
        var details = await ChainAsync(async () =>
        {
            if (!HasStep(operation + "#unstake"))
            {
                var active = (await StakeDetailsAsync(worker)).Active;
                if (active < amount)
                {
                    throw new InsufficientFundsException($"worker {workerId} has {active} bonded; the unstake is {amount}");
                }

                await EnsureGasAsync(operation, worker);
            }

            await StepAsync(operation + "#unstake", key, chain.Staking, SettlementChain.StakingAbi.GetFunction("requestUnstake").EncodeCall((BigInteger)amount));
            return await StakeDetailsAsync(worker);
        });
        var entry = Post(LedgerOperation.Unstake, unstakeId, [Debit(LedgerAccounts.WorkerBonded(workerId), amount), Credit(LedgerAccounts.WorkerUnbonding(workerId), amount)]);
        return await RecordAsync(operation, Receipt(entry, unstakeId, workerId, amount, details.ReleaseAt));
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> WithdrawUnstakedAsync(string workerId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        var key = chain.Accounts.KeyOf(AccountRole.Worker, workerId);
        var worker = chain.Accounts.AddressOf(AccountRole.Worker, workerId);
        var prefix = $"unstaked/{workerId}/";
        var result = await ChainAsync(async () =>
        {
            // A withdrawal under way (its operation names the amount) is finished first.
            var operation = PendingOperation(prefix);
            if (operation is null)
            {
                var details = await StakeDetailsAsync(worker);
                var now = await ChainTimeAsync();
                if (details.Pending == UInt128.Zero || details.ReleaseAtSeconds > now)
                {
                    return (Amount: UInt128.Zero, Operation: "");
                }

                operation = prefix + details.Pending.ToString(CultureInfo.InvariantCulture) + "/" + details.ReleaseAtSeconds.ToString(CultureInfo.InvariantCulture);
                await EnsureGasAsync(operation, worker);
            }

            var released = UInt128.Parse(operation[prefix.Length..operation.IndexOf('/', prefix.Length)], CultureInfo.InvariantCulture);
            await StepAsync(operation + "#withdraw", key, chain.Staking, SettlementChain.StakingAbi.GetFunction("withdraw").EncodeCall());
            await StepAsync(operation + "#transfer", key, chain.Token, SettlementChain.TokenAbi.GetFunction("transfer").EncodeCall(WithdrawalAddressOf(workerId), (BigInteger)released));
            return (Amount: released, Operation: operation);
        });
        if (result.Amount == UInt128.Zero)
        {
            return new LedgerReceipt { Operation = LedgerOperation.UnstakeWithdrawal, Owner = workerId, At = _time.GetUtcNow() };
        }

        var entry = Post(LedgerOperation.UnstakeWithdrawal, workerId, [Debit(LedgerAccounts.WorkerUnbonding(workerId), result.Amount), Credit(LedgerAccounts.Outside, result.Amount)]);
        ForgetSteps(result.Operation);
        await WriteAsync();
        return Receipt(entry, "", workerId, result.Amount);
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> WithdrawEarningsAsync(string workerId, UInt128 amount, string withdrawalId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(withdrawalId, nameof(withdrawalId));
        var operation = "earnings/" + withdrawalId;
        if (Recorded(operation, nameof(withdrawalId), workerId, amount) is { } recorded)
        {
            return recorded;
        }

        await ChainAsync(() => PayOutAsync(operation, AccountRole.Worker, workerId, amount, includeWallet: false,
            earnings => $"worker {workerId} has earned {earnings}; the withdrawal is {amount}"));
        var entry = Post(LedgerOperation.EarningsWithdrawal, withdrawalId, [Debit(LedgerAccounts.WorkerEarnings(workerId), amount), Credit(LedgerAccounts.Outside, amount)]);
        return await RecordAsync(operation, Receipt(entry, withdrawalId, workerId, amount));
    }

    /// <inheritdoc />
    public async Task<WorkerStake> GetStakeAsync(string workerId)
    {
        SettlementIds.Require(workerId, nameof(workerId));
        var worker = chain.Accounts.AddressOf(AccountRole.Worker, workerId);
        var (details, earnings, minimum) = await ChainAsync(async () => (
            await StakeDetailsAsync(worker),
            await chain.ClaimableAsync(worker),
            await chain.UIntAsync(SettlementChain.StakingAbi, chain.Staking, "minimumStake")));
        var stake = new WorkerStake
        {
            WorkerId = workerId,
            Bonded = details.Active,
            Earnings = ToAmount(earnings),
            MinimumStake = ToAmount(minimum),
            MeetsMinimum = details.Active >= ToAmount(minimum),
        };
        if (details.Pending != UInt128.Zero)
        {
            stake.Unbonding.Add(new UnbondingStake { UnstakeId = "", Amount = details.Pending, ReleaseAt = details.ReleaseAt });
        }

        return stake;
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
                throw new SettlementConflictException($"evidenceHash: '{evidenceHash}' already slashed worker {earlier.WorkerId} for {earlier.Reason}");
            }

            return earlier;
        }

        var worker = chain.Accounts.AddressOf(AccountRole.Worker, workerId);
        var evidence = EvidenceOf(evidenceHash);
        var operation = "slash/" + evidenceHash;
        var (fromActive, fromPending, percent) = await ChainAsync(async () =>
        {
            var percentOnChain = (int)await chain.UIntAsync(SettlementChain.StakingAbi, chain.Staking, "slashPercent", (int)reason);
            if (!HasStep(operation + "#slash"))
            {
                var used = (Address)(await chain.CallAsync(SettlementChain.StakingAbi, chain.Staking, "evidenceWorker", evidence))[0]!;
                if (used != Address.Zero)
                {
                    // EvidenceAlreadyUsed: the slash was applied before (its answer lost); its event has the amounts.
                    if (used != worker)
                    {
                        throw new SettlementConflictException($"evidenceHash: '{evidenceHash}' was already used on the chain against {used}, not worker {workerId} ({worker})");
                    }

                    var (active, pending) = await SlashedEventAsync(evidence);
                    return (active, pending, percentOnChain);
                }
            }

            var receipt = await StepAsync(operation + "#slash", chain.Accounts.SettlementKey, chain.Staking,
                SettlementChain.StakingAbi.GetFunction("slash").EncodeCall(worker, evidence, (int)reason));
            var slashed = SettlementChain.StakingAbi.GetEvent("Slashed");
            foreach (var log in receipt.Logs)
            {
                if (log.Address == chain.Staking && log.Topics.Count > 0 && log.Topics[0] == slashed.Topic)
                {
                    var decoded = slashed.Decode(log.Topics, log.Data.Span);
                    return (ToAmount((BigInteger)decoded["fromActive"]!), ToAmount((BigInteger)decoded["fromPending"]!), percentOnChain);
                }
            }

            return (UInt128.Zero, UInt128.Zero, percentOnChain);
        });
        var total = fromActive + fromPending;
        var result = new SlashResult
        {
            WorkerId = workerId,
            EvidenceHash = evidenceHash,
            Reason = reason,
            Percent = percent,
            Slashed = total,
            FromBonded = fromActive,
            FromUnbonding = fromPending,
            At = _time.GetUtcNow(),
        };
        if (total != UInt128.Zero)
        {
            result.Sequence = Post(LedgerOperation.Slash, evidenceHash,
                [Debit(LedgerAccounts.WorkerBonded(workerId), fromActive), Debit(LedgerAccounts.WorkerUnbonding(workerId), fromPending), Credit(LedgerAccounts.Treasury, total)]).Sequence;
            _log.Slashed(workerId, total.ToString(), reason.ToString(), percent, evidenceHash);
        }

        State.Slashes[evidenceHash] = result;
        ForgetSteps(operation);
        await WriteAsync();
        return result;
    }

    /// <summary>The evidence hash on the chain: the 32 bytes themselves when it is <c>0x</c> and 64 hex digits, else
    /// keccak-256 of its UTF-8 bytes.</summary>
    internal static byte[] EvidenceOf(string evidenceHash)
    {
        if (evidenceHash.Length == 66 && evidenceHash.StartsWith("0x", StringComparison.Ordinal))
        {
            try
            {
                return Hex.Decode(evidenceHash);
            }
            catch (ChainFormatException)
            {
                // Not hex after all: hashed below.
            }
        }

        return Keccak256.Hash(Encoding.UTF8.GetBytes(evidenceHash));
    }

    /// <summary>The amounts of the <c>Slashed</c> event recorded for <paramref name="evidence"/>.</summary>
    private async Task<(UInt128 FromActive, UInt128 FromPending)> SlashedEventAsync(byte[] evidence)
    {
        var slashed = SettlementChain.StakingAbi.GetEvent("Slashed");
        var logs = await chain.Rpc.GetLogsAsync(new LogFilter
        {
            Addresses = [chain.Staking],
            Topics = [new[] { slashed.Topic }, null, new[] { Hash32.FromBytes(evidence) }],
            FromBlock = BlockTag.Number(0),
            ToBlock = BlockTag.Latest,
        });
        foreach (var log in logs)
        {
            var decoded = slashed.Decode(log.Topics, log.Data.Span);
            return (ToAmount((BigInteger)decoded["fromActive"]!), ToAmount((BigInteger)decoded["fromPending"]!));
        }

        return (UInt128.Zero, UInt128.Zero);
    }

    /// <summary>A stored operation under way whose key starts with <paramref name="prefix"/>, or null.</summary>
    private string? PendingOperation(string prefix)
    {
        foreach (var key in State.Outbox.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return key[..key.IndexOf('#', StringComparison.Ordinal)];
            }
        }

        return null;
    }

    private async Task<StakeView> StakeDetailsAsync(Address worker)
    {
        var values = await chain.CallAsync(SettlementChain.StakingAbi, chain.Staking, "stakeDetails", worker);
        var releaseAt = (ulong)(BigInteger)values[2]!;
        return new StakeView(ToAmount((BigInteger)values[0]!), ToAmount((BigInteger)values[1]!), releaseAt);
    }

    /// <summary>What <c>stakeDetails</c> answers.</summary>
    private sealed record StakeView(UInt128 Active, UInt128 Pending, ulong ReleaseAtSeconds)
    {
        public DateTimeOffset ReleaseAt => DateTimeOffset.FromUnixTimeSeconds((long)ReleaseAtSeconds);
    }
}
