using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>Deposits, withdrawals and balances, with their errors and retries.</summary>
public sealed class LedgerClientTests(LedgerSiloFixture fixture) : IClassFixture<LedgerSiloFixture>
{
    private readonly ISettlement _ledger = fixture.Silo.Ledger(LedgerSiloFixture.NewKey());

    [Fact]
    public async Task ADepositIsAvailableAndPostsOutsideToTheClient()
    {
        var receipt = await _ledger.DepositAsync("alice", 500, "d1");
        Assert.Equal(1, receipt.Sequence);
        Assert.Equal(LedgerOperation.Deposit, receipt.Operation);
        Assert.Equal((UInt128)500, (await _ledger.GetBalanceAsync("alice")).Available);

        var entry = Assert.Single((await _ledger.GetJournalAsync(null, 10)).Entries);
        Assert.Equal("d1", entry.Reference);
        Assert.Collection(
            entry.Postings,
            p => Assert.Equal((LedgerAccounts.Outside, PostingSide.Debit, (UInt128)500), (p.Account, p.Side, p.Amount)),
            p => Assert.Equal(("client/alice/available", PostingSide.Credit, (UInt128)500), (p.Account, p.Side, p.Amount)));
        var books = await _ledger.GetTrialBalanceAsync();
        Assert.Equal((UInt128)500, books.OutsideNet);
        Assert.Equal(books.OutsideNet, LedgerKit.Sum(books.Balances.Values));
    }

    [Fact]
    public async Task ARepeatedDepositReturnsTheFirstReceiptAndMovesNothing()
    {
        var first = await _ledger.DepositAsync("alice", 500, "d1");
        var again = await _ledger.DepositAsync("alice", 500, "d1");
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal(first.At, again.At);
        Assert.Equal((UInt128)500, (await _ledger.GetBalanceAsync("alice")).Available);
        Assert.Single((await _ledger.GetJournalAsync(null, 10)).Entries);
    }

    [Fact]
    public async Task ADepositIdReusedWithAnotherAmountOrClientIsAConflict()
    {
        await _ledger.DepositAsync("alice", 500, "d1");
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.DepositAsync("alice", 501, "d1"));
        await Assert.ThrowsAsync<SettlementConflictException>(() => _ledger.DepositAsync("bob", 500, "d1"));
        Assert.Equal((UInt128)0, (await _ledger.GetBalanceAsync("bob")).Available);
    }

    [Fact]
    public async Task AWithdrawalBeyondTheAvailableBalanceIsInsufficientFundsAndMovesNothing()
    {
        await _ledger.DepositAsync("alice", 100, "d1");
        var e = await Assert.ThrowsAsync<InsufficientFundsException>(() => _ledger.WithdrawAsync("alice", 101, "w1"));
        Assert.Equal("insufficient_funds", e.Code);
        Assert.Equal((UInt128)100, (await _ledger.GetBalanceAsync("alice")).Available);

        var receipt = await _ledger.WithdrawAsync("alice", 40, "w1");
        Assert.Equal(LedgerOperation.Withdrawal, receipt.Operation);
        Assert.Equal(receipt.Sequence, (await _ledger.WithdrawAsync("alice", 40, "w1")).Sequence);
        Assert.Equal((UInt128)60, (await _ledger.GetBalanceAsync("alice")).Available);
        Assert.Equal((UInt128)60, (await _ledger.GetTrialBalanceAsync()).OutsideNet);
    }

    [Fact]
    public async Task ZeroAmountsAndMalformedIdsAreInvalidRequestsNamingTheParameter()
    {
        var zero = await Assert.ThrowsAsync<InvalidRequestException>(() => _ledger.DepositAsync("alice", 0, "d1"));
        Assert.StartsWith("amount:", zero.Message, StringComparison.Ordinal);
        var slash = await Assert.ThrowsAsync<InvalidRequestException>(() => _ledger.DepositAsync("a/b", 1, "d1"));
        Assert.StartsWith("clientId:", slash.Message, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<InvalidRequestException>(() => _ledger.WithdrawAsync("alice", 1, ""));
        Assert.StartsWith("withdrawalId:", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABalancePastTheLargestAmountIsATypedOverflowAndMovesNothing()
    {
        await _ledger.DepositAsync("alice", UInt128.MaxValue, "d1");
        var e = await Assert.ThrowsAsync<AmountOverflowException>(() => _ledger.DepositAsync("bob", 1, "d2"));
        Assert.Equal("amount_overflow", e.Code);
        var books = await _ledger.GetTrialBalanceAsync();
        Assert.Equal(UInt128.MaxValue, books.OutsideNet);
        Assert.Equal(1, books.Sequence);
    }

    [Fact]
    public async Task AClientNeverSeenHasNothing()
    {
        var balance = await _ledger.GetBalanceAsync("nobody");
        Assert.Equal((UInt128)0, balance.Available);
        Assert.Equal((UInt128)0, balance.Escrowed);
    }
}
