using Marketplace.GrainInterfaces;
using Marketplace.Grains.Ledger;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>The settlement seeds' scenarios A29 (fee distribution) and A28 (slashing and unstaking) on the embedded
/// ledger, adapted to its committee fee and slash reasons. The fixture's committee fee is 10 %.</summary>
public sealed class LedgerScenarioTests(LedgerSiloFixture fixture) : IClassFixture<LedgerSiloFixture>
{
    [Fact]
    public async Task A29_TheCommitteeFeeIsSplitOnceEvenWhenPayIsRepeatedOrTheLedgerReactivated()
    {
        var key = LedgerSiloFixture.NewKey();
        var ledger = fixture.Silo.Ledger(key);
        await ledger.DepositAsync("alice", 10_000, "d1");
        await ledger.EscrowAsync("job-a29", "alice", 5_000);
        var payout = new JobPayout { ExecutorId = "exec", Charge = 1_000, Committee = ["m1", "m2", "m3"] };
        var paid = await ledger.PayAsync("job-a29", payout);

        // 10 % of 1,000 is 100 for the committee, 33/33/33, and 901 to the executor (the unit the split leaves
        // over included), 4,000 back to the client.
        Assert.Equal((UInt128)901, paid.ExecutorAmount);
        Assert.Equal(new UInt128[] { 33, 33, 33 }, paid.CommitteeShares.Select(s => s.Amount));
        Assert.Equal((UInt128)4_000, paid.Refunded);

        var again = await ledger.PayAsync("job-a29", payout);
        await fixture.Silo.DeactivateAsync(key);
        var afterReactivation = await ledger.PayAsync("job-a29", new JobPayout { ExecutorId = "exec", Charge = 5_000 });
        Assert.Equal(paid.Sequence, again.Sequence);
        Assert.Equal(paid.Sequence, afterReactivation.Sequence);
        Assert.Equal((UInt128)901, (await ledger.GetStakeAsync("exec")).Earnings);
        Assert.Equal((UInt128)33, (await ledger.GetStakeAsync("m1")).Earnings);
        Assert.Equal((UInt128)33, (await ledger.GetStakeAsync("m3")).Earnings);
        Assert.Equal((UInt128)9_000, (await ledger.GetBalanceAsync("alice")).Available);
    }

    [Theory]
    [InlineData(11, true)]
    [InlineData(10, false)]
    [InlineData(0, false)]
    public void A29_ACommitteeFeeAboveTenPercentIsRefusedAtStart(int percent, bool refused)
    {
        var result = new LedgerOptionsValidator().Validate(null, new LedgerOptions { CommitteeFeePercent = percent });
        Assert.Equal(refused, result.Failed);
        if (refused)
        {
            Assert.Contains($"Marketplace:Ledger:CommitteeFeePercent is {percent}", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A28_EachReasonSlashesItsPercentageOfAStakedWorkerAndUnstakedStakeWaitsForTheDelay()
    {
        var ledger = fixture.Silo.Ledger(LedgerSiloFixture.NewKey());
        var terms = await ledger.GetTermsAsync();
        UInt128 treasury = 0;
        foreach (var reason in Enum.GetValues<SlashReason>())
        {
            var worker = $"a28-{reason}";
            await ledger.StakeAsync(worker, 10_000, $"bond-{reason}");
            var slash = await ledger.SlashAsync(worker, $"evidence-{reason}", reason);
            var expected = (UInt128)(ulong)(10_000 * terms.SlashPercent[reason] / 100);
            Assert.Equal(expected, slash.Slashed);
            Assert.Equal((UInt128)10_000 - expected, (await ledger.GetStakeAsync(worker)).Bonded);
            treasury += expected;
        }

        Assert.Equal(treasury, (await ledger.GetTrialBalanceAsync()).Balances[LedgerAccounts.Treasury]);

        await ledger.StakeAsync("a28-leaver", 4_000, "bond-leaver");
        await ledger.RequestUnstakeAsync("a28-leaver", 4_000, "unbond-leaver");
        Assert.Equal(UInt128.Zero, (await ledger.WithdrawUnstakedAsync("a28-leaver")).Amount);
        Assert.False((await ledger.GetStakeAsync("a28-leaver")).MeetsMinimum);

        // Unbonding stake can still be slashed until it is released.
        var slashed = await ledger.SlashAsync("a28-leaver", "evidence-leaver", SlashReason.Unavailability);
        Assert.Equal((UInt128)400, slashed.Slashed);
        fixture.Time.Advance(terms.UnstakeDelay);
        Assert.Equal((UInt128)3_600, (await ledger.WithdrawUnstakedAsync("a28-leaver")).Amount);
    }
}
