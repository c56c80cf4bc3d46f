using System.Numerics;
using Marketplace.Chain;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Settlement;

/// <summary>
/// Escrows in groups (<see cref="ISettlement.EscrowManyAsync"/>): the new jobs of one client are checked against its
/// funds once and escrowed by one <c>depositBatch</c> transaction, stored with the jobs in one write before it is
/// sent, its receipt recorded in one more write. A group's gas top-up, claim and approval are steps of its first job
/// (<c>escrow/{job}#…</c>), its deposit the step <c>escrow-batch/{first job}#deposit</c> that each job names until it
/// is open, so a call that fails half way is finished by a later escrow of any of its jobs: the batch's receipt when
/// it was mined, else a deposit of that job on its own. Jobs already known here or on the chain, a job named twice
/// and a group of one go through <see cref="EscrowAsync"/>.
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
            // Independent reads, asked together: one round trip to the node instead of three.
            var knownCall = Task.WhenAll(jobs.ConvertAll(i => JobOfAsync(ChainJobIdOf(requests[i].JobId))));
            var walletCall = chain.TokenBalanceAsync(client);
            var claimableCall = chain.ClaimableAsync(client);
            await ChainAsync(async () =>
            {
                await Task.WhenAll(knownCall, walletCall, claimableCall);
                return true;
            });
            var known = knownCall.Result;
            wallet = walletCall.Result;
            var available = wallet + claimableCall.Result;
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
            await ChainAsync(() => DepositGroupAsync(clientId, client, wallet, group));
            for (var k = 0; k < group.Count; k++)
            {
                outcomes[admitted[k]] = new EscrowOutcome { Escrow = group[k].Escrow };
            }
        }
        catch (Exception e) when (e is MarketplaceException or ChainSettlementUnavailableException)
        {
            // The group stopped part way: what was signed is in the outbox, each job names its batch deposit, and an
            // escrow of the same job finishes it (or, when the batch never ran, deposits the job on its own).
            for (var k = 0; k < group.Count; k++)
            {
                outcomes[admitted[k]] = group[k].Stage == ChainJobStage.Open ? new EscrowOutcome { Escrow = group[k].Escrow } : new EscrowOutcome { Error = e };
            }
        }
    }

    /// <summary>The group's gas, claim and approval (steps of its first job), then one <c>depositBatch</c> transaction
    /// that escrows every job of the group (step <see cref="EscrowBatchOperation"/> of its first job, named by each
    /// job's <see cref="ChainJob.DepositStep"/> and stored with them in one write before it is sent); once mined, each
    /// job's index and deadline are read from its own <c>Deposited</c> event and the group recorded in one more write.
    /// The contract takes the batch whole or not at all, so a refusal is every job's.</summary>
    private async Task DepositGroupAsync(string clientId, Address client, BigInteger wallet, List<ChainJob> group)
    {
        var first = EscrowOperation(group[0].Escrow.JobId);
        var key = chain.Accounts.KeyOf(AccountRole.Client, clientId);
        var total = BigInteger.Zero;
        foreach (var job in group)
        {
            total += (BigInteger)job.Escrow.Amount;
        }

        // The allowance and the chain's time are read while the gas is checked (neither depends on it).
        var allowanceCall = chain.UIntAsync(SettlementChain.TokenAbi, chain.Token, "allowance", client, chain.Escrow);
        var timeCall = ChainTimeAsync();

        // Up front: the claim and the approval, and the batch's gas limit in units of one transaction's allowance.
        await EnsureGasAsync(first, client, 2 + 1 + (int)(DepositBatchGasPerJob * (ulong)group.Count / UpfrontGasPerTransaction));
        if (HasStep(first + "#claim") || wallet < total)
        {
            await StepAsync(first + "#claim", key, chain.Escrow, SettlementChain.EscrowAbi.GetFunction("withdraw").EncodeCall(total - wallet));
        }

        var allowance = await allowanceCall;
        if (HasStep(first + "#approve") || allowance < total)
        {
            await StepAsync(first + "#approve", key, chain.Token, SettlementChain.TokenAbi.GetFunction("approve").EncodeCall(chain.Escrow, UnlimitedAllowance));
        }

        var deadline = await timeCall + (ulong)Options.DeadlineMargin.TotalSeconds;
        var ids = new byte[group.Count][];
        var amounts = new BigInteger[group.Count];
        var step = EscrowBatchOperation(group[0].Escrow.JobId) + "#deposit";
        for (var k = 0; k < group.Count; k++)
        {
            ids[k] = Hex.Decode(group[k].ChainJobId);
            amounts[k] = (BigInteger)group[k].Escrow.Amount;
            group[k].DepositStep = step;
        }

        var receipt = await StepAsync(step, key, chain.Escrow, SettlementChain.EscrowAbi.GetFunction("depositBatch").EncodeCall(ids, amounts, deadline));
        foreach (var job in group)
        {
            job.DepositStep = "";
            await AdoptDepositAsync(job, receipt);
            var entry = Post(LedgerOperation.Escrow, job.Escrow.JobId,
                [Debit(LedgerAccounts.ClientAvailable(clientId), job.Escrow.Amount), Credit(LedgerAccounts.JobEscrow(job.Escrow.JobId), job.Escrow.Amount)]);
            job.Escrow.Sequence = entry.Sequence;
            job.Escrow.At = entry.At;
            job.Stage = ChainJobStage.Open;
        }

        ForgetSteps(first);
        ForgetSteps(EscrowBatchOperation(group[0].Escrow.JobId));
        await WriteAsync();
    }

    /// <summary>The gas limit a batch deposit asks per job: 54,590 measured (contracts/README.md, "Gas") plus the 20 %
    /// margin every transaction is signed with.</summary>
    private const ulong DepositBatchGasPerJob = 66_000;

    /// <summary>The operation of a group's batch deposit, named after its first job.</summary>
    private static string EscrowBatchOperation(string firstJobId) => "escrow-batch/" + firstJobId;

    /// <summary>
    /// The part of a single escrow that finishes a batch deposit its job was stored in: the batch's receipt when it
    /// was mined (the job adopts its own <c>Deposited</c> event; true), or, when it never ran (dropped, reverted, or
    /// already forgotten), the job leaves the batch and deposits on its own (false). The batch's step is forgotten
    /// once no job still escrowing names it.
    /// </summary>
    private async Task<bool> FinishBatchDepositAsync(ChainJob job)
    {
        var step = job.DepositStep;
        if (!State.Outbox.TryGetValue(step, out var stored))
        {
            job.DepositStep = "";
            return false;
        }

        await DrainAsync(stored.From);
        var receipt = await FinishAsync(stored);
        var mined = receipt is { Succeeded: true };
        job.DepositStep = "";
        if (mined)
        {
            await AdoptDepositAsync(job, receipt!);
        }

        var named = false;
        foreach (var other in State.Jobs.Values)
        {
            named |= other.Stage == ChainJobStage.Escrowing && string.Equals(other.DepositStep, step, StringComparison.Ordinal);
        }

        if (!mined || !named)
        {
            State.Outbox.Remove(step);
        }

        return mined;
    }
}
