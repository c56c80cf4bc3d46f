using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>Stake, the unstake delay on the ledger's clock, earnings and slashing by reason.</summary>
public sealed class LedgerStakeTests(LedgerSiloFixture fixture) : IClassFixture<LedgerSiloFixture>
{
    private readonly ISettlement _ledger = fixture.Silo.Ledger(LedgerSiloFixture.NewKey());

    [Fact]
    public async Task TermsShowTheMinimumStakeTheFeeAndTheSlashPercentages()
    {
        var terms = await _ledger.GetTermsAsync();
        Assert.False(terms.Enabled);
        Assert.Equal((UInt128)1_000, terms.MinimumStake);
        Assert.Equal(TimeSpan.FromDays(7), terms.UnstakeDelay);
        Assert.Equal(10, terms.CommitteeFeePercent);
        Assert.Equal(100, terms.SlashPercent[SlashReason.DoubleSign]);
        Assert.Equal(50, terms.SlashPercent[SlashReason.WrongResult]);
        Assert.Equal(20, terms.SlashPercent[SlashReason.Timeout]);
        Assert.Equal(10, terms.SlashPercent[SlashReason.Unavailability]);
    }

    [Fact]
    public async Task StakeBondsAndCountsTowardsTheMinimumOnce()
    {
        await _ledger.StakeAsync("w1", 600, "s1");
        Assert.False((await _ledger.GetStakeAsync("w1")).MeetsMinimum);
        await _ledger.StakeAsync("w1", 600, "s1");
        await _ledger.StakeAsync("w1", 400, "s2");
        var stake = await _ledger.GetStakeAsync("w1");
        Assert.Equal((UInt128)1_000, stake.Bonded);
        Assert.True(stake.MeetsMinimum);
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.StakeAsync("w2", 400, "s2"));
    }

    [Fact]
    public async Task UnstakedStakeIsReleasedOnlyAfterTheDelay()
    {
        await _ledger.StakeAsync("w1", 1_000, "s1");
        var receipt = await _ledger.RequestUnstakeAsync("w1", 300, "u1");
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromDays(7), receipt.ReleaseAt);
        Assert.Equal(receipt.Sequence, (await _ledger.RequestUnstakeAsync("w1", 300, "u1")).Sequence);
        var stake = await _ledger.GetStakeAsync("w1");
        Assert.Equal((UInt128)700, stake.Bonded);
        Assert.Equal((UInt128)300, Assert.Single(stake.Unbonding).Amount);
        await Assert.ThrowsAsync<InsufficientFundsException>(() => _ledger.RequestUnstakeAsync("w1", 701, "u2"));

        fixture.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        var early = await _ledger.WithdrawUnstakedAsync("w1");
        Assert.Equal((UInt128)0, early.Amount);
        Assert.Equal(0, early.Sequence);

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var released = await _ledger.WithdrawUnstakedAsync("w1");
        Assert.Equal((UInt128)300, released.Amount);
        Assert.Equal(LedgerOperation.UnstakeWithdrawal, released.Operation);
        Assert.Equal((UInt128)0, (await _ledger.WithdrawUnstakedAsync("w1")).Amount);
        Assert.Empty((await _ledger.GetStakeAsync("w1")).Unbonding);
        Assert.Equal((UInt128)700, (await _ledger.GetTrialBalanceAsync()).OutsideNet);
    }

    [Fact]
    public async Task EarningsAreWithdrawnOnceAndNotBeyondWhatWasEarned()
    {
        await _ledger.DepositAsync("alice", 1_000, "d1");
        await _ledger.EscrowAsync("job1", "alice", 1_000);
        await _ledger.PayAsync("job1", new JobPayout { ExecutorId = "w1", Charge = 800 });
        await Assert.ThrowsAsync<InsufficientFundsException>(() => _ledger.WithdrawEarningsAsync("w1", 801, "e1"));
        var receipt = await _ledger.WithdrawEarningsAsync("w1", 500, "e1");
        Assert.Equal(receipt.Sequence, (await _ledger.WithdrawEarningsAsync("w1", 500, "e1")).Sequence);
        Assert.Equal((UInt128)300, (await _ledger.GetStakeAsync("w1")).Earnings);
    }

    [Theory]
    [InlineData(SlashReason.Timeout, 200)]
    [InlineData(SlashReason.WrongResult, 500)]
    [InlineData(SlashReason.DoubleSign, 1_000)]
    [InlineData(SlashReason.Unavailability, 100)]
    public async Task ASlashTakesTheReasonsPercentageToTheTreasuryOncePerEvidence(SlashReason reason, int expected)
    {
        await _ledger.StakeAsync("w1", 1_000, "s1");
        var result = await _ledger.SlashAsync("w1", "evidence-" + reason, reason);
        Assert.Equal((UInt128)(uint)expected, result.Slashed);
        var again = await _ledger.SlashAsync("w1", "evidence-" + reason, reason);
        Assert.Equal(result.Sequence, again.Sequence);
        Assert.Equal((UInt128)(uint)(1_000 - expected), (await _ledger.GetStakeAsync("w1")).Bonded);
        Assert.Equal((UInt128)(uint)expected, (await _ledger.GetTrialBalanceAsync()).Balances[LedgerAccounts.Treasury]);
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.SlashAsync("w2", "evidence-" + reason, reason));
    }

    [Fact]
    public async Task ASlashTakesBondedStakeFirstThenUnbonding()
    {
        await _ledger.StakeAsync("w1", 1_000, "s1");
        await _ledger.RequestUnstakeAsync("w1", 800, "u1");
        var result = await _ledger.SlashAsync("w1", "ev1", SlashReason.WrongResult);
        Assert.Equal((UInt128)500, result.Slashed);
        Assert.Equal((UInt128)200, result.FromBonded);
        Assert.Equal((UInt128)300, result.FromUnbonding);
        var stake = await _ledger.GetStakeAsync("w1");
        Assert.Equal((UInt128)0, stake.Bonded);
        Assert.Equal((UInt128)500, Assert.Single(stake.Unbonding).Amount);
        var books = await _ledger.GetTrialBalanceAsync();
        Assert.Equal(books.OutsideNet, LedgerKit.Sum(books.Balances.Values));
    }

    [Fact]
    public async Task SlashingAWorkerWithoutStakeRecordsTheEvidenceAndMovesNothing()
    {
        var result = await _ledger.SlashAsync("w9", "ev9", SlashReason.Timeout);
        Assert.Equal((UInt128)0, result.Slashed);
        Assert.Equal(0, result.Sequence);
        Assert.Equal(0, (await _ledger.GetTrialBalanceAsync()).Sequence);
    }
}
