using System.Numerics;
using System.Text;
using Marketplace.Chain;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Settlement;

/// <summary>Job escrow: a deposit from the client's custodial account at submit; the settlement recorded here and
/// queued for its batch.</summary>
internal sealed partial class SettlementGrain
{
    /// <summary>The contract's job states.</summary>
    private enum EscrowJobState
    {
        None = 0,
        Open = 1,
        Released = 2,
        Refunded = 3,
    }

    /// <inheritdoc />
    public async Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount)
    {
        SettlementIds.Require(jobId, nameof(jobId));
        SettlementIds.Require(clientId, nameof(clientId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        if (amount > MaxEscrow)
        {
            throw new InvalidRequestException($"amount: {amount} is above the largest escrow the contract holds ({MaxEscrow})");
        }

        var absentOnChain = false;
        if (State.Jobs.TryGetValue(jobId, out var job))
        {
            if (!string.Equals(job.Escrow.ClientId, clientId, StringComparison.Ordinal) || job.Escrow.Amount != amount)
            {
                throw new SettlementConflictException(
                    $"jobId: job {jobId} is escrowed with {job.Escrow.Amount} of client {job.Escrow.ClientId}, not {amount} of client {clientId}");
            }

            if (job.Stage != ChainJobStage.Escrowing)
            {
                return job.Escrow;
            }
        }
        else
        {
            // The contract knowing a job this record does not: its settled record moved out (answer it), or a deposit
            // whose record was lost before it was written (adopted by the deposit below).
            var onChain = await ChainAsync(() => JobOfAsync(ChainJobIdOf(jobId)));
            absentOnChain = onChain is null;
            if (onChain is not null && await SettledJobAsync(jobId) is { } settled)
            {
                if (!string.Equals(settled.Escrow.ClientId, clientId, StringComparison.Ordinal) || settled.Escrow.Amount != amount)
                {
                    throw new SettlementConflictException(
                        $"jobId: job {jobId} is escrowed with {settled.Escrow.Amount} of client {settled.Escrow.ClientId}, not {amount} of client {clientId}");
                }

                return settled.Escrow;
            }

            var client = chain.Accounts.AddressOf(AccountRole.Client, clientId);
            var available = await ChainAsync(async () => await chain.TokenBalanceAsync(client) + await chain.ClaimableAsync(client));
            if (available < amount)
            {
                throw new InsufficientFundsException($"client {clientId} has {available} available; job {jobId} escrows {amount}");
            }

            job = new ChainJob
            {
                Escrow = new JobEscrow { JobId = jobId, ClientId = clientId, Amount = amount },
                ChainJobId = Hex.Encode(ChainJobIdOf(jobId)),
                Stage = ChainJobStage.Escrowing,
            };
            State.Jobs[jobId] = job;
        }

        await ChainAsync(() => DepositAsync(job, absentOnChain));
        var entry = Post(LedgerOperation.Escrow, jobId,
            [Debit(LedgerAccounts.ClientAvailable(clientId), amount), Credit(LedgerAccounts.JobEscrow(jobId), amount)]);
        job.Escrow.Sequence = entry.Sequence;
        job.Escrow.At = entry.At;
        job.Stage = ChainJobStage.Open;
        ForgetSteps(EscrowOperation(jobId));
        await WriteAsync();
        return job.Escrow;
    }

    /// <inheritdoc />
    public async Task<JobEscrow?> GetEscrowAsync(string jobId)
    {
        SettlementIds.Require(jobId, nameof(jobId));
        if (State.Jobs.TryGetValue(jobId, out var job))
        {
            return job.Stage != ChainJobStage.Escrowing ? job.Escrow : null;
        }

        return (await SettledJobAsync(jobId))?.Escrow;
    }

    /// <inheritdoc />
    public async Task<JobSettlement> PayAsync(string jobId, JobPayout payout)
    {
        var (settlement, queued) = await PayInMemoryAsync(jobId, payout);
        if (queued)
        {
            await WriteQueuedAsync();
        }

        return settlement;
    }

    /// <summary>Records the payment and queues the job for its batch, in memory (queued true); or answers the
    /// recorded settlement.</summary>
    private async Task<(JobSettlement Settlement, bool Queued)> PayInMemoryAsync(string jobId, JobPayout payout)
    {
        SettlementIds.Require(jobId, nameof(jobId));
        ArgumentNullException.ThrowIfNull(payout);
        var job = await OpenOrSettledAsync(jobId, SettlementOutcome.Paid);
        if (job.Escrow.Settlement is { } settled)
        {
            return (settled, false);
        }

        var escrowed = job.Escrow.Amount;
        var (executorAmount, shares, refunded) = SettlementAmounts.SplitPayout(jobId, escrowed, payout, Options.CommitteeFeePercent);
        List<LedgerPosting> postings = [Debit(LedgerAccounts.JobEscrow(jobId), escrowed), Credit(LedgerAccounts.WorkerEarnings(payout.ExecutorId), executorAmount)];
        foreach (var share in shares)
        {
            postings.Add(Credit(LedgerAccounts.WorkerEarnings(share.WorkerId), share.Amount));
        }

        postings.Add(Credit(LedgerAccounts.ClientAvailable(job.Escrow.ClientId), refunded));
        var entry = Post(LedgerOperation.Payment, jobId, postings);
        return (Queue(job, new JobSettlement
        {
            JobId = jobId,
            ClientId = job.Escrow.ClientId,
            Outcome = SettlementOutcome.Paid,
            Escrowed = escrowed,
            Charged = payout.Charge,
            ExecutorId = payout.ExecutorId,
            ExecutorAmount = executorAmount,
            CommitteeShares = shares,
            Refunded = refunded,
            Sequence = entry.Sequence,
            At = entry.At,
        }), true);
    }

    /// <inheritdoc />
    public async Task<JobSettlement> RefundAsync(string jobId, RefundReason reason)
    {
        var (settlement, queued) = await RefundInMemoryAsync(jobId, reason);
        if (queued)
        {
            await WriteQueuedAsync();
        }

        return settlement;
    }

    /// <summary>Records the refund and queues the job for its batch, in memory (queued true); or answers the
    /// recorded settlement.</summary>
    private async Task<(JobSettlement Settlement, bool Queued)> RefundInMemoryAsync(string jobId, RefundReason reason)
    {
        SettlementIds.Require(jobId, nameof(jobId));
        if (!Enum.IsDefined(reason))
        {
            throw new InvalidRequestException($"reason: {(int)reason} is not a refund reason");
        }

        var job = await OpenOrSettledAsync(jobId, SettlementOutcome.Refunded);
        if (job.Escrow.Settlement is { } settled)
        {
            return (settled, false);
        }

        return (Queue(job, RefundOf(job, reason)), true);
    }

    /// <inheritdoc />
    public async Task<JobSettlementOutcome[]> SettleManyAsync(JobSettlementRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Length > ISettlement.MaxEscrowsPerCall)
        {
            throw new InvalidRequestException($"requests: {requests.Length} settlements in one call; at most {ISettlement.MaxEscrowsPerCall}");
        }

        // Each settlement is recorded in memory as its own call would, then one write records them all; if it fails,
        // the activation is dropped and none of them happened.
        var outcomes = new JobSettlementOutcome[requests.Length];
        var queued = false;
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            try
            {
                var (settlement, added) = request.Payout is { } payout
                    ? await PayInMemoryAsync(request.JobId, payout)
                    : await RefundInMemoryAsync(request.JobId, request.Refund ?? throw new InvalidRequestException($"requests[{i}]: neither a payout nor a refund reason"));
                outcomes[i] = new JobSettlementOutcome { Settlement = settlement };
                queued |= added;
            }
            catch (Exception e) when (e is MarketplaceException or ChainSettlementUnavailableException)
            {
                outcomes[i] = new JobSettlementOutcome { Error = e };
            }
        }

        if (queued)
        {
            await WriteQueuedAsync();
        }

        return outcomes;
    }

    /// <summary>The largest escrow of one job (the contract's <c>MAX_ESCROW</c>, 2^96 - 1).</summary>
    private static UInt128 MaxEscrow => (UInt128.One << 96) - 1;

    /// <summary>The job's id on the chain: keccak-256 of the job id's UTF-8 bytes.</summary>
    internal static byte[] ChainJobIdOf(string jobId) => Keccak256.Hash(Encoding.UTF8.GetBytes(jobId));

    private static string EscrowOperation(string jobId) => "escrow/" + jobId;

    /// <summary>The deposit's steps from the client's custodial account: gas, the claimable part withdrawn when the
    /// wallet is short, the approval, the deposit. A deposit the contract already has (its job id is single-use) is
    /// taken as done.</summary>
    /// <param name="job">The job.</param>
    /// <param name="absentOnChain">True when the contract was just asked and did not know the job.</param>
    private async Task DepositAsync(ChainJob job, bool absentOnChain)
    {
        if (job.DepositStep.Length > 0 && await FinishBatchDepositAsync(job))
        {
            return;
        }

        var operation = EscrowOperation(job.Escrow.JobId);
        var chainJobId = Hex.Decode(job.ChainJobId);
        if (!absentOnChain && !HasStep(operation + "#deposit") && await JobOfAsync(chainJobId) is { State: not EscrowJobState.None } existing)
        {
            Adopt(job, existing);
            return;
        }

        var key = chain.Accounts.KeyOf(AccountRole.Client, job.Escrow.ClientId);
        var client = chain.Accounts.AddressOf(AccountRole.Client, job.Escrow.ClientId);
        var amount = (BigInteger)job.Escrow.Amount;
        if (!HasStep(operation + "#deposit"))
        {
            await EnsureGasAsync(operation, client);
            var wallet = await chain.TokenBalanceAsync(client);
            if (HasStep(operation + "#claim") || wallet < amount)
            {
                await StepAsync(operation + "#claim", key, chain.Escrow, SettlementChain.EscrowAbi.GetFunction("withdraw").EncodeCall(amount - wallet));
            }

            var allowance = await chain.UIntAsync(SettlementChain.TokenAbi, chain.Token, "allowance", client, chain.Escrow);
            if (HasStep(operation + "#approve") || allowance < amount)
            {
                await StepAsync(operation + "#approve", key, chain.Token, SettlementChain.TokenAbi.GetFunction("approve").EncodeCall(chain.Escrow, UnlimitedAllowance));
            }
        }

        var now = await ChainTimeAsync();
        var deadline = now + (ulong)Options.DeadlineMargin.TotalSeconds;
        var receipt = await StepAsync(operation + "#deposit", key, chain.Escrow,
            SettlementChain.EscrowAbi.GetFunction("deposit").EncodeCall(chainJobId, amount, deadline));
        await AdoptDepositAsync(job, receipt);
    }

    /// <summary>Records <paramref name="job"/> as deposited by the mined <paramref name="receipt"/>: its index and
    /// deadline from its own <c>Deposited</c> event there, or from the contract when the receipt has none.</summary>
    private async Task AdoptDepositAsync(ChainJob job, Chain.Rpc.TransactionReceipt receipt)
    {
        job.DepositTransaction = receipt.TransactionHash.ToString();
        Adopt(job, DepositedIn(receipt, job.ChainJobId) ?? await JobOfAsync(Hex.Decode(job.ChainJobId))
            ?? throw new ChainSettlementUnavailableException($"job {job.Escrow.JobId}: the deposit was mined but the contract does not know the job"));
    }

    /// <summary>The index and deadline the Escrow gave job <paramref name="chainJobIdHex"/>, read from the Deposited
    /// event of its deposit's <paramref name="receipt"/>; null when the receipt has no such event.</summary>
    private ChainJobView? DepositedIn(Chain.Rpc.TransactionReceipt receipt, string chainJobIdHex)
    {
        var deposited = SettlementChain.EscrowAbi.GetEvent("Deposited");
        foreach (var log in receipt.Logs)
        {
            if (log.Address != chain.Escrow || log.Topics.Count < 3 || log.Topics[0] != deposited.Topic)
            {
                continue;
            }

            var decoded = deposited.Decode(log.Topics, log.Data.Span);
            if (string.Equals(Hex.Encode((byte[])decoded["jobId"]!), chainJobIdHex, StringComparison.OrdinalIgnoreCase))
            {
                return new ChainJobView((ulong)(BigInteger)decoded["jobIndex"]!, (ulong)(BigInteger)decoded["deadline"]!, EscrowJobState.Open);
            }
        }

        return null;
    }

    private static void Adopt(ChainJob job, ChainJobView view)
    {
        job.JobIndex = view.JobIndex;
        job.Deadline = view.Deadline;
    }

    /// <summary>The job when open, or settled the same way; a conflict when it was never escrowed or settled the
    /// other way. A job whose deposit is under way finishes it first; a job refunded on the chain by its client after
    /// its deadline is recorded as refunded.</summary>
    private async Task<ChainJob> OpenOrSettledAsync(string jobId, SettlementOutcome wanted)
    {
        if (!State.Jobs.TryGetValue(jobId, out var job))
        {
            job = await SettledJobAsync(jobId) ?? throw new SettlementConflictException($"jobId: job {jobId} has no escrow to settle");
        }

        if (job.Stage == ChainJobStage.Escrowing)
        {
            await EscrowAsync(jobId, job.Escrow.ClientId, job.Escrow.Amount);
        }

        if (job.Escrow.Settlement is null && !SurelyOpenOnChain(job) && await ChainAsync(() => JobStateAtAsync(job.JobIndex)) == EscrowJobState.Refunded)
        {
            // Refunded on the chain without us (from its deadline on anyone may): that is how it settled.
            var refund = RefundOf(job, RefundReason.Expired);
            job.Escrow.Settlement = refund;
            job.Stage = ChainJobStage.Confirmed;
            _log.RefundedOnChain(jobId, job.JobIndex);
            await WriteAsync();
        }

        var settled = job.Escrow.Settlement;
        if (settled is not null && settled.Outcome != wanted)
        {
            throw new SettlementConflictException(settled.Outcome == SettlementOutcome.Paid
                ? $"jobId: job {jobId} was paid (entry {settled.Sequence}); it cannot be refunded"
                : $"jobId: job {jobId} was refunded ({settled.RefundReason}, entry {settled.Sequence}); it cannot be paid");
        }

        return job;
    }

    private JobSettlement RefundOf(ChainJob job, RefundReason reason)
    {
        var jobId = job.Escrow.JobId;
        var entry = Post(LedgerOperation.Refund, jobId,
            [Debit(LedgerAccounts.JobEscrow(jobId), job.Escrow.Amount), Credit(LedgerAccounts.ClientAvailable(job.Escrow.ClientId), job.Escrow.Amount)]);
        return new JobSettlement
        {
            JobId = jobId,
            ClientId = job.Escrow.ClientId,
            Outcome = SettlementOutcome.Refunded,
            Escrowed = job.Escrow.Amount,
            Refunded = job.Escrow.Amount,
            RefundReason = reason,
            Sequence = entry.Sequence,
            At = entry.At,
        };
    }

    /// <summary>Records the settlement and queues the job for its batch, in memory (<see cref="WriteQueuedAsync"/>
    /// writes it).</summary>
    private JobSettlement Queue(ChainJob job, JobSettlement settlement)
    {
        job.Escrow.Settlement = settlement;
        job.Stage = ChainJobStage.Queued;
        State.Queue.Add(job.Escrow.JobId);
        return settlement;
    }

    /// <summary>Writes settlements queued in memory and schedules their batch.</summary>
    private async Task WriteQueuedAsync()
    {
        await WriteAsync();
        ScheduleBatch();
    }

    /// <summary>The contract's record of a job, or null when it has none.</summary>
    private async Task<ChainJobView?> JobOfAsync(byte[] chainJobId)
    {
        var values = await chain.CallAsync(SettlementChain.EscrowAbi, chain.Escrow, "jobOf", chainJobId);
        var state = (EscrowJobState)(int)(BigInteger)values[4]!;
        return state == EscrowJobState.None ? null : new ChainJobView((ulong)(BigInteger)values[0]!, (ulong)(BigInteger)values[3]!, state);
    }

    private async Task<EscrowJobState> JobStateAtAsync(ulong jobIndex) =>
        (EscrowJobState)(int)await chain.UIntAsync(SettlementChain.EscrowAbi, chain.Escrow, "jobStateAt", jobIndex);

    /// <summary>The latest block's time (unix seconds).</summary>
    private async Task<ulong> ChainTimeAsync()
    {
        var block = await chain.Rpc.GetBlockAsync(Chain.Rpc.BlockTag.Latest)
            ?? throw new ChainSettlementUnavailableException("the node has no latest block");
        _chainTimeSeen = block.Timestamp;
        _chainTimeSeenAt = _time.GetTimestamp();
        return block.Timestamp;
    }

    /// <summary>
    /// True when no one but this settlement can have settled <paramref name="job"/> on the chain: no ReceiptRelease
    /// contract is deployed (which releases a job to anyone holding its receipt), and its deadline (from
    /// which its client may take a refund) is more than <see cref="OpenCheckMargin"/> past the chain's time as last
    /// read, moved on by the time since. Then the job is open on the chain exactly when this record says so, and the
    /// per-job <c>jobStateAt</c> call is skipped (two calls a job less). Jobs escrowed with a short
    /// <c>DeadlineMargin</c>, and every job while a batch of queued jobs was refused, are still asked about.
    /// </summary>
    private bool SurelyOpenOnChain(ChainJob job)
    {
        // With release on proof deployed, anyone holding a job's receipt may release it at any time.
        if (_chainTimeSeen == 0 || job.Deadline == 0 || _verifyQueuedJobs || chain.ReceiptRelease is not null)
        {
            return false;
        }

        var now = _chainTimeSeen + (ulong)_time.GetElapsedTime(_chainTimeSeenAt).TotalSeconds;
        return job.Deadline > now + (ulong)OpenCheckMargin.TotalSeconds;
    }

    private static readonly BigInteger UnlimitedAllowance = (BigInteger.One << 256) - 1;

    /// <summary>What <c>jobOf</c> answers.</summary>
    private sealed record ChainJobView(ulong JobIndex, ulong Deadline, EscrowJobState State);
}
