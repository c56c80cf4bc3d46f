using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>Escrow at submit, payment on a verified result with the committee fee, refunds, and a job settling once.
/// The fixture's committee fee is 10 %.</summary>
public sealed class LedgerJobTests(LedgerSiloFixture fixture) : IClassFixture<LedgerSiloFixture>
{
    private readonly ISettlement _ledger = fixture.Silo.Ledger(LedgerSiloFixture.NewKey());

    [Fact]
    public async Task EscrowMovesMaxFuelTimesPriceFromAvailableToTheJob()
    {
        await _ledger.DepositAsync("alice", 10_000, "d1");
        var amount = SettlementAmounts.ForFuel(1_000, 5);
        var escrow = await _ledger.EscrowAsync("job1", "alice", amount);
        Assert.Equal((UInt128)5_000, escrow.Amount);
        Assert.Null(escrow.Settlement);
        var balance = await _ledger.GetBalanceAsync("alice");
        Assert.Equal((UInt128)5_000, balance.Available);
        Assert.Equal((UInt128)5_000, balance.Escrowed);
        Assert.Equal((UInt128)5_000, (await _ledger.GetTrialBalanceAsync()).Balances[LedgerAccounts.JobEscrow("job1")]);
    }

    [Fact]
    public async Task EscrowsAndSettlementsInOneCallAnswerEachAsAloneInOneWrite()
    {
        await _ledger.DepositAsync("alice", 1_000, "d1");
        await _ledger.DepositAsync("bob", 300, "d2");
        var before = (await _ledger.GetTrialBalanceAsync()).Sequence;
        var outcomes = await _ledger.EscrowManyAsync(
        [
            new EscrowRequest { JobId = "a1", ClientId = "alice", Amount = 200 },
            new EscrowRequest { JobId = "a2", ClientId = "alice", Amount = 700 },
            new EscrowRequest { JobId = "b1", ClientId = "bob", Amount = 200 },
            new EscrowRequest { JobId = "a3", ClientId = "alice", Amount = 200 },
            new EscrowRequest { JobId = "", ClientId = "alice", Amount = 1 },
            new EscrowRequest { JobId = "a1", ClientId = "alice", Amount = 200 },
            new EscrowRequest { JobId = "a1", ClientId = "alice", Amount = 201 },
        ]);
        Assert.Equal(7, outcomes.Length);
        Assert.Equal((UInt128)200, outcomes[0].Escrow!.Amount);
        Assert.Equal((UInt128)700, outcomes[1].Escrow!.Amount);
        Assert.Equal((UInt128)200, outcomes[2].Escrow!.Amount);
        Assert.IsType<InsufficientFundsException>(outcomes[3].Error);
        Assert.IsType<InvalidRequestException>(outcomes[4].Error);
        Assert.Equal(outcomes[0].Escrow!.Sequence, outcomes[5].Escrow!.Sequence);
        Assert.IsType<SettlementConflictException>(outcomes[6].Error);
        Assert.Equal(before + 3, (await _ledger.GetTrialBalanceAsync()).Sequence);
        Assert.Equal((UInt128)100, (await _ledger.GetBalanceAsync("alice")).Available);
        Assert.Equal((UInt128)900, (await _ledger.GetBalanceAsync("alice")).Escrowed);
        Assert.Equal((UInt128)100, (await _ledger.GetBalanceAsync("bob")).Available);
        Assert.Null(await _ledger.GetEscrowAsync("a3"));

        var before2 = (await _ledger.GetTrialBalanceAsync()).Sequence;
        var settled = await _ledger.SettleManyAsync(
        [
            new JobSettlementRequest { JobId = "a1", Payout = new JobPayout { ExecutorId = "w1", Charge = 50 } },
            new JobSettlementRequest { JobId = "a2", Refund = RefundReason.Failed },
            new JobSettlementRequest { JobId = "a1", Refund = RefundReason.Failed },
            new JobSettlementRequest { JobId = "a1", Payout = new JobPayout { ExecutorId = "w2", Charge = 1 } },
            new JobSettlementRequest { JobId = "a3", Refund = RefundReason.Failed },
            new JobSettlementRequest { JobId = "b1" },
        ]);
        Assert.Equal(SettlementOutcome.Paid, settled[0].Settlement!.Outcome);
        Assert.Equal(SettlementOutcome.Refunded, settled[1].Settlement!.Outcome);
        Assert.IsType<SettlementConflictException>(settled[2].Error);
        Assert.Equal(settled[0].Settlement!.Sequence, settled[3].Settlement!.Sequence);
        Assert.IsType<SettlementConflictException>(settled[4].Error);
        Assert.IsType<InvalidRequestException>(settled[5].Error);
        Assert.Equal(before2 + 2, (await _ledger.GetTrialBalanceAsync()).Sequence);
        Assert.Equal((UInt128)(100 + 150 + 700), (await _ledger.GetBalanceAsync("alice")).Available);
        Assert.Equal((UInt128)0, (await _ledger.GetBalanceAsync("alice")).Escrowed);

        var tooMany = new EscrowRequest[ISettlement.MaxEscrowsPerCall + 1];
        Array.Fill(tooMany, new EscrowRequest { JobId = "x", ClientId = "alice", Amount = 1 });
        await Assert.ThrowsAsync<InvalidRequestException>(() => _ledger.EscrowManyAsync(tooMany));
    }

    [Fact]
    public async Task EscrowBeyondTheAvailableBalanceIsInsufficientFunds()
    {
        await _ledger.DepositAsync("alice", 100, "d1");
        var e = await Assert.ThrowsAsync<InsufficientFundsException>(() => _ledger.EscrowAsync("job1", "alice", 101));
        Assert.Contains("job1", e.Message, StringComparison.Ordinal);
        Assert.Null(await _ledger.GetEscrowAsync("job1"));
        Assert.Equal((UInt128)100, (await _ledger.GetBalanceAsync("alice")).Available);
    }

    [Fact]
    public async Task ARepeatedEscrowReturnsTheFirstAndAnotherAmountOrClientIsAConflict()
    {
        await _ledger.DepositAsync("alice", 1_000, "d1");
        var first = await _ledger.EscrowAsync("job1", "alice", 300);
        var again = await _ledger.EscrowAsync("job1", "alice", 300);
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal((UInt128)700, (await _ledger.GetBalanceAsync("alice")).Available);
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.EscrowAsync("job1", "alice", 301));
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.EscrowAsync("job1", "bob", 300));
    }

    [Fact]
    public async Task PaymentGivesTheExecutorTheChargeLessTheCommitteeFeeAndRefundsTheRest()
    {
        await _ledger.DepositAsync("alice", 10_000, "d1");
        await _ledger.EscrowAsync("job1", "alice", 5_000);
        var settlement = await _ledger.PayAsync("job1", new JobPayout { ExecutorId = "w1", Charge = 1_003, Committee = ["c1", "c2", "c3"] });

        // 10 % of 1,003 is 100 (rounded down), split 34 / 33 / 33; the executor gets 903; 3,997 goes back.
        Assert.Equal(SettlementOutcome.Paid, settlement.Outcome);
        Assert.Equal((UInt128)904, settlement.ExecutorAmount);
        Assert.Equal([(UInt128)33, 33, 33], settlement.CommitteeShares.Select(s => s.Amount));
        Assert.Equal((UInt128)3_997, settlement.Refunded);
        Assert.Equal((UInt128)904, (await _ledger.GetStakeAsync("w1")).Earnings);
        Assert.Equal((UInt128)33, (await _ledger.GetStakeAsync("c1")).Earnings);
        var balance = await _ledger.GetBalanceAsync("alice");
        Assert.Equal((UInt128)8_997, balance.Available);
        Assert.Equal((UInt128)0, balance.Escrowed);

        var entry = (await _ledger.GetJournalAsync(null, 10)).Entries[^1];
        Assert.Equal(LedgerOperation.Payment, entry.Operation);
        Assert.Equal(LedgerKit.Sum(entry.Postings.Where(p => p.Side == PostingSide.Debit).Select(p => p.Amount)),
            LedgerKit.Sum(entry.Postings.Where(p => p.Side == PostingSide.Credit).Select(p => p.Amount)));
        Assert.False((await _ledger.GetTrialBalanceAsync()).Balances.ContainsKey(LedgerAccounts.JobEscrow("job1")));
    }

    [Fact]
    public async Task WithoutACommitteeTheExecutorGetsTheWholeCharge()
    {
        await _ledger.DepositAsync("alice", 1_000, "d1");
        await _ledger.EscrowAsync("job1", "alice", 1_000);
        var settlement = await _ledger.PayAsync("job1", new JobPayout { ExecutorId = "w1", Charge = 1_000 });
        Assert.Equal((UInt128)1_000, settlement.ExecutorAmount);
        Assert.Equal((UInt128)0, settlement.Refunded);
    }

    [Fact]
    public async Task AChargeAboveTheEscrowOrACommitteeMemberNamedTwiceIsInvalid()
    {
        await _ledger.DepositAsync("alice", 1_000, "d1");
        await _ledger.EscrowAsync("job1", "alice", 500);
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => _ledger.PayAsync("job1", new JobPayout { ExecutorId = "w1", Charge = 501 }));
        Assert.StartsWith("payout.Charge:", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidRequestException>(() => _ledger.PayAsync("job1", new JobPayout { ExecutorId = "w1", Charge = 1, Committee = ["c1", "c1"] }));
        Assert.Null((await _ledger.GetEscrowAsync("job1"))!.Settlement);
    }

    [Fact]
    public async Task ARefundReturnsTheWholeEscrow()
    {
        await _ledger.DepositAsync("alice", 1_000, "d1");
        await _ledger.EscrowAsync("job1", "alice", 600);
        var settlement = await _ledger.RefundAsync("job1", RefundReason.TimedOut);
        Assert.Equal(SettlementOutcome.Refunded, settlement.Outcome);
        Assert.Equal(RefundReason.TimedOut, settlement.RefundReason);
        Assert.Equal((UInt128)600, settlement.Refunded);
        Assert.Equal((UInt128)1_000, (await _ledger.GetBalanceAsync("alice")).Available);
    }

    [Fact]
    public async Task AJobSettlesOnceARepeatReturnsTheFirstOutcomeAndTheOtherWayIsAConflict()
    {
        await _ledger.DepositAsync("alice", 1_000, "d1");
        await _ledger.EscrowAsync("paid", "alice", 500);
        await _ledger.EscrowAsync("refunded", "alice", 500);
        var paid = await _ledger.PayAsync("paid", new JobPayout { ExecutorId = "w1", Charge = 200 });
        var refunded = await _ledger.RefundAsync("refunded", RefundReason.Cancelled);
        var sequence = (await _ledger.GetTrialBalanceAsync()).Sequence;

        var paidAgain = await _ledger.PayAsync("paid", new JobPayout { ExecutorId = "w2", Charge = 500 });
        Assert.Equal(paid.Sequence, paidAgain.Sequence);
        Assert.Equal("w1", paidAgain.ExecutorId);
        Assert.Equal(refunded.Sequence, (await _ledger.RefundAsync("refunded", RefundReason.Failed)).Sequence);
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.RefundAsync("paid", RefundReason.Failed));
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.PayAsync("refunded", new JobPayout { ExecutorId = "w1", Charge = 1 }));
        Assert.Equal(sequence, (await _ledger.GetTrialBalanceAsync()).Sequence);
        Assert.Equal((UInt128)800, (await _ledger.GetBalanceAsync("alice")).Available);
        Assert.Equal(paid.Sequence, (await _ledger.EscrowAsync("paid", "alice", 500)).Settlement!.Sequence);
    }

    [Fact]
    public async Task SettlingAJobNeverEscrowedIsAConflict()
    {
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.RefundAsync("ghost", RefundReason.Expired));
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.PayAsync("ghost", new JobPayout { ExecutorId = "w1", Charge = 1 }));
    }
}
