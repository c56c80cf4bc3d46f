using System.Numerics;
using Marketplace.Chain;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Xunit;

namespace Marketplace.Settlement.Tests;

/// <summary>A job's whole life settled on the chain, with exact token balances at each step.</summary>
public sealed class ChainSettlementLifecycleTests
{
    [AnvilFact]
    public async Task DepositEscrowPayRefundAndWithdrawMoveExactlyTheTokensTheLedgerWould()
    {
        await using var silo = await ChainSilo.StartAsync();
        var settlement = silo.Settlement;
        var terms = await settlement.GetTermsAsync();
        Assert.True(terms.Enabled);
        Assert.Equal((UInt128)1_000, terms.MinimumStake);
        Assert.Equal(TimeSpan.FromHours(1), terms.UnstakeDelay);
        Assert.Equal(50, terms.SlashPercent[SlashReason.WrongResult]);

        var alice = await silo.ClientAsync("alice");
        var deposit = await settlement.DepositAsync("alice", 1_000_000, "d1");
        Assert.Equal(1_000_000, await silo.TokenBalanceAsync(alice));
        Assert.Equal(deposit.Sequence, (await settlement.DepositAsync("alice", 1_000_000, "d1")).Sequence);
        Assert.Equal(1_000_000, await silo.TokenBalanceAsync(alice));
        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.DepositAsync("alice", 5, "d1"));

        var escrow = await settlement.EscrowAsync("job-1", "alice", 400_000);
        Assert.Equal((UInt128)400_000, escrow.Amount);
        Assert.Equal(400_000, await silo.EscrowViewAsync("totalEscrowed"));
        Assert.Equal(1, await silo.EscrowViewAsync("jobCount"));
        var balance = await settlement.GetBalanceAsync("alice");
        Assert.Equal((UInt128)600_000, balance.Available);
        Assert.Equal((UInt128)400_000, balance.Escrowed);
        Assert.Equal(escrow.Sequence, (await settlement.EscrowAsync("job-1", "alice", 400_000)).Sequence);
        Assert.Equal(1, await silo.EscrowViewAsync("jobCount"));
        await Assert.ThrowsAsync<InsufficientFundsException>(() => settlement.EscrowAsync("job-big", "alice", 600_001));

        // Charge 100,000: 5 % committee fee (2,500 each), 95,000 to the executor, 300,000 back to the client.
        var paid = await settlement.PayAsync("job-1", new JobPayout { ExecutorId = "w1", Charge = 100_000, Committee = ["c1", "c2"] });
        Assert.Equal((UInt128)95_000, paid.ExecutorAmount);
        Assert.Equal((UInt128)300_000, paid.Refunded);
        var w1 = await silo.WorkerAsync("w1");
        Assert.Equal(0, await silo.EscrowViewAsync("claimable", w1));

        var status = await silo.Chain.FlushAsync();
        Assert.Equal(1, status.BatchesSent);
        Assert.Equal(0, status.QueuedJobs);
        Assert.Equal(0, status.UnfinishedTransactions);
        Assert.Equal(95_000, await silo.EscrowViewAsync("claimable", w1));
        Assert.Equal(2_500, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("c1")));
        Assert.Equal(2_500, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("c2")));
        Assert.Equal(300_000, await silo.EscrowViewAsync("claimable", alice));
        Assert.Equal(0, await silo.EscrowViewAsync("totalEscrowed"));
        var batch = Assert.Single(status.RecentBatches);
        Assert.Equal(1ul, batch.ChainBatchId);
        var onChainRoot = (byte[])SettlementContracts.Escrow.Abi.GetFunction("batchRoot")
            .DecodeOutput(await silo.Anvil.Rpc.CallAsync(new Chain.Rpc.CallRequest { To = silo.Deployment.Escrow, Data = SettlementContracts.Escrow.Abi.GetFunction("batchRoot").EncodeCall(1) }))[0]!;
        Assert.Equal(batch.Root, Hex.Encode(onChainRoot));
        balance = await settlement.GetBalanceAsync("alice");
        Assert.Equal((UInt128)900_000, balance.Available);
        Assert.Equal((UInt128)0, balance.Escrowed);

        // A repeated pay answers the first settlement; a refund after the pay is a conflict.
        Assert.Equal(paid.Sequence, (await settlement.PayAsync("job-1", new JobPayout { ExecutorId = "other", Charge = 1 })).Sequence);
        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.RefundAsync("job-1", RefundReason.Failed));

        // A second job escrows the whole wallet (600,000) and 200,000 of the escrow balance, then is refunded.
        await settlement.EscrowAsync("job-2", "alice", 800_000);
        Assert.Equal(100_000, await silo.EscrowViewAsync("claimable", alice));
        Assert.Equal(0, await silo.TokenBalanceAsync(alice));
        var refunded = await settlement.RefundAsync("job-2", RefundReason.Cancelled);
        Assert.Equal((UInt128)800_000, refunded.Refunded);
        await silo.Chain.FlushAsync();
        Assert.Equal(900_000, await silo.EscrowViewAsync("claimable", alice));
        Assert.Equal((UInt128)900_000, (await settlement.GetBalanceAsync("alice")).Available);

        // Earnings and client money leave to the settlement account (no withdrawal address configured).
        var before = await silo.TokenBalanceAsync(silo.Deployment.Settlement);
        await settlement.WithdrawEarningsAsync("w1", 95_000, "e1");
        await settlement.WithdrawEarningsAsync("w1", 95_000, "e1");
        await Assert.ThrowsAsync<InsufficientFundsException>(() => settlement.WithdrawEarningsAsync("w1", 1, "e2"));
        await settlement.WithdrawAsync("alice", 850_000, "w-1");
        Assert.Equal(before + 95_000 + 850_000, await silo.TokenBalanceAsync(silo.Deployment.Settlement));
        Assert.Equal(0, await silo.EscrowViewAsync("claimable", w1));
        Assert.Equal((UInt128)50_000, (await settlement.GetBalanceAsync("alice")).Available);
        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.PayAsync("never-escrowed", new JobPayout { ExecutorId = "w1", Charge = 1 }));
        await Assert.ThrowsAsync<InvalidRequestException>(() => settlement.EscrowAsync("job-3", "alice", 0));
    }

    [AnvilFact]
    public async Task StakeUnstakeAndSlashingWithEvidenceAreIdempotent()
    {
        await using var silo = await ChainSilo.StartAsync();
        var settlement = silo.Settlement;
        var stake = await settlement.StakeAsync("w1", 10_000, "s1");
        Assert.Equal(stake.Sequence, (await settlement.StakeAsync("w1", 10_000, "s1")).Sequence);
        var w1 = await settlement.GetStakeAsync("w1");
        Assert.Equal((UInt128)10_000, w1.Bonded);
        Assert.True(w1.MeetsMinimum);

        var treasury = await silo.TokenBalanceAsync(silo.Deployment.Settlement);
        var slash = await settlement.SlashAsync("w1", "evidence-1", SlashReason.WrongResult);
        Assert.Equal((UInt128)5_000, slash.Slashed);
        Assert.Equal(50, slash.Percent);
        var again = await settlement.SlashAsync("w1", "evidence-1", SlashReason.WrongResult);
        Assert.Equal(slash.Sequence, again.Sequence);
        Assert.Equal((UInt128)5_000, (await settlement.GetStakeAsync("w1")).Bonded);
        Assert.Equal(treasury + 5_000, await silo.TokenBalanceAsync(silo.Deployment.Settlement));
        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.SlashAsync("w2", "evidence-1", SlashReason.WrongResult));

        // The evidence used on the chain already (a slash whose answer was lost): "already done", nothing taken twice.
        var evidence = SettlementGrain.EvidenceOf("evidence-2");
        var sender = new Chain.Sending.TransactionSender(silo.Anvil.Rpc, silo.Key, new Chain.Sending.NonceManager(silo.Anvil.Rpc), new Chain.Sending.FeeEstimator(silo.Anvil.Rpc));
        var staking = new Chain.Contracts.ContractClient(silo.Anvil.Rpc, SettlementContracts.Staking.Abi, silo.Deployment.Staking, sender);
        await staking.SendAsync("slash", [await silo.WorkerAsync("w1"), evidence, (int)SlashReason.Timeout]);
        var adopted = await settlement.SlashAsync("w1", "evidence-2", SlashReason.Timeout);
        Assert.Equal((UInt128)1_000, adopted.Slashed);
        Assert.Equal((UInt128)4_000, (await settlement.GetStakeAsync("w1")).Bonded);

        await settlement.RequestUnstakeAsync("w1", 1_500, "u1");
        var unbonding = await settlement.GetStakeAsync("w1");
        Assert.Equal((UInt128)2_500, unbonding.Bonded);
        Assert.Equal((UInt128)1_500, Assert.Single(unbonding.Unbonding).Amount);
        await Assert.ThrowsAsync<InsufficientFundsException>(() => settlement.RequestUnstakeAsync("w1", 2_501, "u2"));
        Assert.Equal((UInt128)0, (await settlement.WithdrawUnstakedAsync("w1")).Amount);
        await silo.Anvil.AdvanceTimeAsync(3_601);
        var before = await silo.TokenBalanceAsync(silo.Deployment.Settlement);
        Assert.Equal((UInt128)1_500, (await settlement.WithdrawUnstakedAsync("w1")).Amount);
        Assert.Equal((UInt128)0, (await settlement.WithdrawUnstakedAsync("w1")).Amount);
        Assert.Equal(before + 1_500, await silo.TokenBalanceAsync(silo.Deployment.Settlement));
    }

    [AnvilFact]
    public async Task AJobRefundedOnTheChainAfterItsDeadlineIsRecordedAsRefundedAndCannotBePaid()
    {
        await using var silo = await ChainSilo.StartAsync(new Dictionary<string, string> { ["DeadlineMargin"] = "00:10:00" });
        var settlement = silo.Settlement;
        await settlement.DepositAsync("bob", 50_000, "d1");
        await settlement.EscrowAsync("late-job", "bob", 30_000);
        var bob = await silo.ClientAsync("bob");
        Assert.Equal(20_000, await silo.TokenBalanceAsync(bob));

        // Before the deadline, the client cannot take its escrow back; after it, it can, without the marketplace.
        var clientKey = CustodialAccounts.Derive(silo.Key, AccountRole.Client, "bob");
        var sender = new Chain.Sending.TransactionSender(silo.Anvil.Rpc, clientKey, new Chain.Sending.NonceManager(silo.Anvil.Rpc), new Chain.Sending.FeeEstimator(silo.Anvil.Rpc));
        var escrow = new Chain.Contracts.ContractClient(silo.Anvil.Rpc, SettlementContracts.Escrow.Abi, silo.Deployment.Escrow, sender);
        var early = await Assert.ThrowsAsync<Chain.Rpc.ContractRevertException>(() => escrow.SendAsync("refund", [SettlementGrain.ChainJobIdOf("late-job")]));
        Assert.Equal("DeadlineNotReached", early.Reason.Error?.Name);
        await silo.Anvil.AdvanceTimeAsync(601);
        await escrow.SendAsync("refund", [SettlementGrain.ChainJobIdOf("late-job")]);
        Assert.Equal(50_000, await silo.TokenBalanceAsync(bob));

        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.PayAsync("late-job", new JobPayout { ExecutorId = "w1", Charge = 10_000 }));
        var refunded = await settlement.RefundAsync("late-job", RefundReason.TimedOut);
        Assert.Equal(SettlementOutcome.Refunded, refunded.Outcome);
        Assert.Equal((UInt128)30_000, refunded.Refunded);
        Assert.Equal(SettlementOutcome.Refunded, (await settlement.GetEscrowAsync("late-job"))!.Settlement!.Outcome);
        var status = await silo.Chain.FlushAsync();
        Assert.Equal(0, status.BatchesSent);
        Assert.Equal(50_000, await silo.TokenBalanceAsync(bob));
        Assert.Equal(BigInteger.Zero, await silo.EscrowViewAsync("claimable", bob));
    }

    [AnvilFact]
    public async Task ARefundMadeOnTheChainIsFollowedFromTheEscrowsEventsAndRecordedOnceAcrossARestart()
    {
        await using var silo = await ChainSilo.StartAsync(new Dictionary<string, string>
        {
            ["DeadlineMargin"] = "00:10:00",
            ["EventPollInterval"] = "00:00:00.100",
        });
        var settlement = silo.Settlement;
        await settlement.DepositAsync("carol", 40_000, "d1");
        await settlement.EscrowAsync("watched-job", "carol", 25_000);
        await settlement.EscrowAsync("other-job", "carol", 5_000);
        var clientKey = CustodialAccounts.Derive(silo.Key, AccountRole.Client, "carol");
        var sender = new Chain.Sending.TransactionSender(silo.Anvil.Rpc, clientKey, new Chain.Sending.NonceManager(silo.Anvil.Rpc), new Chain.Sending.FeeEstimator(silo.Anvil.Rpc));
        var escrow = new Chain.Contracts.ContractClient(silo.Anvil.Rpc, SettlementContracts.Escrow.Abi, silo.Deployment.Escrow, sender);
        await silo.Anvil.AdvanceTimeAsync(601);
        await escrow.SendAsync("refund", [SettlementGrain.ChainJobIdOf("watched-job")]);

        // Nothing asks about the job: the grain learns of the refund from the chain's Refunded event.
        var settled = await WaitForSettlementAsync(settlement, "watched-job");
        Assert.Equal(SettlementOutcome.Refunded, settled.Outcome);
        Assert.Equal((UInt128)25_000, settled.Refunded);
        Assert.Null((await settlement.GetEscrowAsync("other-job"))!.Settlement);
        Assert.Equal(1, await RefundEntriesAsync(settlement, "watched-job"));

        // A restart rescans from the stored cursor (or before it): the refund is not recorded twice.
        await silo.RestartSiloAsync();
        settlement = silo.Settlement;
        await settlement.DepositAsync("carol", 1_000, "d2");
        await silo.Chain.FlushAsync();
        Assert.Equal(1, await RefundEntriesAsync(settlement, "watched-job"));
        Assert.Equal(SettlementOutcome.Refunded, (await settlement.GetEscrowAsync("watched-job"))!.Settlement!.Outcome);
        Assert.Null((await settlement.GetEscrowAsync("other-job"))!.Settlement);
    }

    private static async Task<JobSettlement> WaitForSettlementAsync(ISettlement settlement, string jobId)
    {
        for (var attempt = 0; ; attempt++)
        {
            if ((await settlement.GetEscrowAsync(jobId))?.Settlement is { } settled)
            {
                return settled;
            }

            Assert.True(attempt < 1500, $"the refund of {jobId} was never followed from the chain");
            await Task.Delay(20);
        }
    }

    private static async Task<int> RefundEntriesAsync(ISettlement settlement, string jobId)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await settlement.GetJournalAsync(cursor, 1000);
            count += page.Entries.Count(e => e.Reference == jobId && e.Operation == LedgerOperation.Refund);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return count;
    }
}
