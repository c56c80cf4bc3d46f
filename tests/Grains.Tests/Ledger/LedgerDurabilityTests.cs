using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>Retries after the ledger's activation is dropped and after a silo restart (SQLite storage) find the first
/// outcome: nothing is paid twice.</summary>
public sealed class LedgerDurabilityTests
{
    [Fact]
    public async Task RetriesAfterReactivationAndAfterARestartMoveNothingTwice()
    {
        var time = new ManualClock(LedgerKit.Start);
        await using var silo = await LedgerKit.StartAsync(time);
        const string Key = "durable";
        var ledger = silo.Ledger(Key);
        var deposit = await ledger.DepositAsync("alice", 10_000, "d1");
        var escrow = await ledger.EscrowAsync("job1", "alice", 4_000);
        var paid = await ledger.PayAsync("job1", new JobPayout { ExecutorId = "w1", Charge = 1_000, Committee = ["c1", "c2"] });
        await ledger.EscrowAsync("job2", "alice", 1_000);
        var refunded = await ledger.RefundAsync("job2", RefundReason.Expired);
        var stake = await ledger.StakeAsync("w1", 2_000, "s1");
        var unstake = await ledger.RequestUnstakeAsync("w1", 500, "u1");
        var slash = await ledger.SlashAsync("w1", "ev1", SlashReason.Timeout);
        var before = await ledger.GetTrialBalanceAsync();

        await silo.DeactivateAsync(Key);
        await RetryEverythingAsync(silo.Ledger(Key));
        await silo.RestartAsync();
        await RetryEverythingAsync(silo.Ledger(Key));

        var after = await silo.Ledger(Key).GetTrialBalanceAsync();
        Assert.Equal(before.Sequence, after.Sequence);
        Assert.Equal(before.OutsideNet, after.OutsideNet);
        Assert.Equal(before.Balances.OrderBy(b => b.Key), after.Balances.OrderBy(b => b.Key));

        // The unstake delay survives the restart: released only once the clock passes it.
        Assert.Equal((UInt128)0, (await silo.Ledger(Key).WithdrawUnstakedAsync("w1")).Amount);
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal((UInt128)500, (await silo.Ledger(Key).WithdrawUnstakedAsync("w1")).Amount);

        async Task RetryEverythingAsync(ISettlement again)
        {
            Assert.Equal(deposit.Sequence, (await again.DepositAsync("alice", 10_000, "d1")).Sequence);
            Assert.Equal(escrow.Sequence, (await again.EscrowAsync("job1", "alice", 4_000)).Sequence);
            Assert.Equal(paid.Sequence, (await again.PayAsync("job1", new JobPayout { ExecutorId = "w1", Charge = 1_000, Committee = ["c1", "c2"] })).Sequence);
            Assert.Equal(refunded.Sequence, (await again.RefundAsync("job2", RefundReason.Expired)).Sequence);
            await Assert.ThrowsAsync<SettlementConflictException>(() => again.RefundAsync("job1", RefundReason.Failed));
            Assert.Equal(stake.Sequence, (await again.StakeAsync("w1", 2_000, "s1")).Sequence);
            Assert.Equal(unstake.Sequence, (await again.RequestUnstakeAsync("w1", 500, "u1")).Sequence);
            Assert.Equal(slash.Sequence, (await again.SlashAsync("w1", "ev1", SlashReason.Timeout)).Sequence);
            var balance = await again.GetBalanceAsync("alice");
            Assert.Equal((UInt128)(10_000 - 1_000), balance.Available);
            Assert.Equal((UInt128)0, balance.Escrowed);
        }
    }
}
