using System.Numerics;
using Marketplace.Chain;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Settlement;

/// <summary>
/// Escrows in groups (<see cref="ISettlement.EscrowManyAsync"/>): the new jobs of one client are checked against its
/// funds once, their deposits signed with consecutive nonces of its account and stored in one write before any is
/// sent, sent in nonce order, and their receipts recorded in one more write. The steps keep the names and the outbox
/// rules of one escrow (<c>escrow/{job}#deposit</c>; a group's gas top-up, claim and approval are steps of its first
/// job), so a call that fails half way is finished by a later escrow of the same job exactly as a single one is.
/// Jobs already known here or on the chain, a job named twice and a group of one go through <see cref="EscrowAsync"/>.
/// </summary>
internal sealed partial class SettlementGrain
{
    /// <inheritdoc />
    public async Task<EscrowOutcome[]> EscrowManyAsync(EscrowRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Length > ISettlement.MaxEscrowsPerCall)
        {
            throw new InvalidRequestException($"requests: {requests.Length} escrows in one call; at most {ISettlement.MaxEscrowsPerCall}");
        }

        var outcomes = new EscrowOutcome?[requests.Length];
        var one = new List<int>();
        var byClient = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var named = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            try
            {
                SettlementIds.Require(request.JobId, "jobId");
                SettlementIds.Require(request.ClientId, "clientId");
                SettlementIds.RequirePositive(request.Amount, "amount");
            }
            catch (MarketplaceException e)
            {
                outcomes[i] = new EscrowOutcome { Error = e };
                continue;
            }

            if (!named.Add(request.JobId) || State.Jobs.ContainsKey(request.JobId) || request.Amount > MaxEscrow)
            {
                one.Add(i);
            }
            else if (byClient.TryGetValue(request.ClientId, out var jobs))
            {
                jobs.Add(i);
            }
            else
            {
                byClient[request.ClientId] = [i];
            }
        }

        foreach (var (clientId, jobs) in byClient)
        {
            await EscrowGroupAsync(clientId, jobs, requests, outcomes, one);
        }

        one.Sort();
        foreach (var i in one)
        {
            outcomes[i] = await EscrowOneAsync(requests[i]);
        }

        return Array.ConvertAll(outcomes, o => o!);
    }

    /// <summary><see cref="EscrowAsync"/> with its refusal as the outcome.</summary>
    private async Task<EscrowOutcome> EscrowOneAsync(EscrowRequest request)
    {
        try
        {
            return new EscrowOutcome { Escrow = await EscrowAsync(request.JobId, request.ClientId, request.Amount) };
        }
        catch (Exception e) when (e is MarketplaceException or ChainSettlementUnavailableException)
        {
            return new EscrowOutcome { Error = e };
        }
    }

    /// <summary>Escrows the new jobs <paramref name="jobs"/> (indexes into <paramref name="requests"/>) of one client
    /// as one group; those the chain already knows, and a group left with one job, are added to
    /// <paramref name="one"/>.</summary>
    private async Task EscrowGroupAsync(string clientId, List<int> jobs, EscrowRequest[] requests, EscrowOutcome?[] outcomes, List<int> one)
    {
        var client = chain.Accounts.AddressOf(AccountRole.Client, clientId);
        var admitted = new List<int>(jobs.Count);
        BigInteger wallet;
        try
        {
            // The contract knowing a job this record does not (a moved settled job, a deposit whose record was
            // lost): one at a time, which handles both.
            var known = await ChainAsync(() => Task.WhenAll(jobs.ConvertAll(i => JobOfAsync(ChainJobIdOf(requests[i].JobId)))));
            wallet = await ChainAsync(() => chain.TokenBalanceAsync(client));
            var available = wallet + await ChainAsync(() => chain.ClaimableAsync(client));
            var total = BigInteger.Zero;
            for (var k = 0; k < jobs.Count; k++)
            {
                var request = requests[jobs[k]];
                if (known[k] is not null)
                {
                    one.Add(jobs[k]);
                }
                else if (total + (BigInteger)request.Amount > available)
                {
                    outcomes[jobs[k]] = new EscrowOutcome
                    {
                        Error = new InsufficientFundsException($"client {clientId} has {available - total} available after the jobs escrowed with it; job {request.JobId} escrows {request.Amount}"),
                    };
                }
                else
                {
                    total += (BigInteger)request.Amount;
                    admitted.Add(jobs[k]);
                }
            }
        }
        catch (Exception e) when (e is MarketplaceException or ChainSettlementUnavailableException)
        {
            foreach (var i in jobs)
            {
                outcomes[i] = new EscrowOutcome { Error = e };
            }

            return;
        }

        if (admitted.Count <= 1)
        {
            one.AddRange(admitted);
            return;
        }

        var group = new List<ChainJob>(admitted.Count);
        foreach (var i in admitted)
        {
            var request = requests[i];
            var job = new ChainJob
            {
                Escrow = new JobEscrow { JobId = request.JobId, ClientId = clientId, Amount = request.Amount },
                ChainJobId = Hex.Encode(ChainJobIdOf(request.JobId)),
                Stage = ChainJobStage.Escrowing,
            };
            State.Jobs[request.JobId] = job;
            group.Add(job);
        }

        try
        {
            var errors = await ChainAsync(() => DepositGroupAsync(clientId, client, wallet, group));
            for (var k = 0; k < group.Count; k++)
            {
                outcomes[admitted[k]] = group[k].Stage == ChainJobStage.Open
                    ? new EscrowOutcome { Escrow = group[k].Escrow }
                    : new EscrowOutcome { Error = errors.GetValueOrDefault(group[k].Escrow.JobId) ?? new ChainSettlementUnavailableException($"job {group[k].Escrow.JobId}: its deposit was not recorded; retry to finish it") };
            }
        }
        catch (Exception e) when (e is MarketplaceException or ChainSettlementUnavailableException)
        {
            // The group stopped part way: what was signed is in the outbox, and an escrow of the same job finishes it.
            for (var k = 0; k < group.Count; k++)
            {
                outcomes[admitted[k]] = group[k].Stage == ChainJobStage.Open ? new EscrowOutcome { Escrow = group[k].Escrow } : new EscrowOutcome { Error = e };
            }
        }
    }

    /// <summary>The group's gas, claim and approval (steps of its first job), then its deposits: signed, stored in one
    /// write, sent in nonce order, finished in nonce order, read back and recorded in one more write. Answers why
    /// each job whose deposit was dropped or reverted was not escrowed.</summary>
    private async Task<Dictionary<string, Exception>> DepositGroupAsync(string clientId, Address client, BigInteger wallet, List<ChainJob> group)
    {
        var first = EscrowOperation(group[0].Escrow.JobId);
        var key = chain.Accounts.KeyOf(AccountRole.Client, clientId);
        var total = BigInteger.Zero;
        foreach (var job in group)
        {
            total += (BigInteger)job.Escrow.Amount;
        }

        // The claim, the approval and every deposit of the group may be sent before any is mined.
        await EnsureGasAsync(first, client, group.Count + 2);
        if (HasStep(first + "#claim") || wallet < total)
        {
            await StepAsync(first + "#claim", key, chain.Escrow, SettlementChain.EscrowAbi.GetFunction("withdraw").EncodeCall(total - wallet));
        }

        var allowance = await chain.UIntAsync(SettlementChain.TokenAbi, chain.Token, "allowance", client, chain.Escrow);
        if (HasStep(first + "#approve") || allowance < total)
        {
            await StepAsync(first + "#approve", key, chain.Token, SettlementChain.TokenAbi.GetFunction("approve").EncodeCall(chain.Escrow, UnlimitedAllowance));
        }

        await DrainAsync(client.ToString());
        var deadline = await ChainTimeAsync() + (ulong)Options.DeadlineMargin.TotalSeconds;
        var deposit = SettlementChain.EscrowAbi.GetFunction("deposit");
        var calls = group.ConvertAll(job => deposit.EncodeCall(Hex.Decode(job.ChainJobId), (BigInteger)job.Escrow.Amount, deadline));
        var signed = await SignGroupAsync(group.ConvertAll(job => EscrowOperation(job.Escrow.JobId) + "#deposit"), key, chain.Escrow, calls);
        foreach (var tx in signed)
        {
            State.Outbox[tx.Key] = tx;
        }

        await WriteAsync();
        foreach (var tx in signed)
        {
            await BroadcastAsync(tx);
            AfterSend(tx.Key);
        }

        var errors = new Dictionary<string, Exception>(StringComparer.Ordinal);
        var mined = new List<ChainJob>(group.Count);
        var deposited = new List<ChainJobView?>(group.Count);
        for (var k = 0; k < group.Count; k++)
        {
            var receipt = await FinishAsync(signed[k], justSent: true);
            if (receipt is null)
            {
                errors[group[k].Escrow.JobId] = new ChainSettlementUnavailableException($"transaction {signed[k].Hash} ({signed[k].Key}) was dropped: its nonce {signed[k].Nonce} was used by another transaction of {signed[k].From}; retry to send it again");
            }
            else if (!receipt.Succeeded)
            {
                State.Outbox.Remove(signed[k].Key);
                errors[group[k].Escrow.JobId] = new SettlementConflictException($"the chain reverted transaction {signed[k].Hash} ({signed[k].Key}); nothing of it was applied");
            }
            else
            {
                group[k].DepositTransaction = receipt.TransactionHash.ToString();
                mined.Add(group[k]);
                deposited.Add(DepositedIn(receipt, group[k].ChainJobId));
            }
        }

        // The job's index and deadline come from its deposit's Deposited event; the contract is asked only when a
        // receipt has none (it always has one from the Escrow this settlement deployed).
        var views = await Task.WhenAll(mined.Select((job, k) => deposited[k] is { } view ? Task.FromResult<ChainJobView?>(view) : JobOfAsync(Hex.Decode(job.ChainJobId))));
        for (var k = 0; k < mined.Count; k++)
        {
            var job = mined[k];
            Adopt(job, views[k] ?? throw new ChainSettlementUnavailableException($"job {job.Escrow.JobId}: the deposit was mined but the contract does not know the job"));
            var entry = Post(LedgerOperation.Escrow, job.Escrow.JobId,
                [Debit(LedgerAccounts.ClientAvailable(clientId), job.Escrow.Amount), Credit(LedgerAccounts.JobEscrow(job.Escrow.JobId), job.Escrow.Amount)]);
            job.Escrow.Sequence = entry.Sequence;
            job.Escrow.At = entry.At;
            job.Stage = ChainJobStage.Open;
            ForgetSteps(EscrowOperation(job.Escrow.JobId));
        }

        await WriteAsync();
        return errors;
    }
}
