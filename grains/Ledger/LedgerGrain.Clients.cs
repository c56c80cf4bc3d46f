using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Ledger;

/// <summary>Client deposits, withdrawals and balances.</summary>
internal sealed partial class LedgerGrain
{
    /// <inheritdoc />
    public async Task<LedgerReceipt> DepositAsync(string clientId, UInt128 amount, string depositId)
    {
        SettlementIds.Require(clientId, nameof(clientId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(depositId, nameof(depositId));
        var key = $"deposit/{depositId}";
        if (Recorded(key, nameof(depositId), clientId, amount) is { } recorded)
        {
            return recorded;
        }

        var entry = Book.Post(LedgerOperation.Deposit, depositId, clock.Now,
            [Debit(LedgerAccounts.Outside, amount), Credit(LedgerAccounts.ClientAvailable(clientId), amount)]);
        var receipt = Receipt(entry, depositId, clientId, amount);
        State.Operations[key] = receipt;
        await CommitAsync();
        return receipt;
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> WithdrawAsync(string clientId, UInt128 amount, string withdrawalId)
    {
        SettlementIds.Require(clientId, nameof(clientId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(withdrawalId, nameof(withdrawalId));
        var key = $"withdrawal/{withdrawalId}";
        if (Recorded(key, nameof(withdrawalId), clientId, amount) is { } recorded)
        {
            return recorded;
        }

        var available = Book.Balance(LedgerAccounts.ClientAvailable(clientId));
        if (available < amount)
        {
            throw new InsufficientFundsException($"client {clientId} has {available} available; the withdrawal is {amount}");
        }

        var entry = Book.Post(LedgerOperation.Withdrawal, withdrawalId, clock.Now,
            [Debit(LedgerAccounts.ClientAvailable(clientId), amount), Credit(LedgerAccounts.Outside, amount)]);
        var receipt = Receipt(entry, withdrawalId, clientId, amount);
        State.Operations[key] = receipt;
        await CommitAsync();
        return receipt;
    }

    /// <inheritdoc />
    public Task<ClientBalance> GetBalanceAsync(string clientId)
    {
        SettlementIds.Require(clientId, nameof(clientId));
        return Task.FromResult(new ClientBalance
        {
            ClientId = clientId,
            Available = Book.Balance(LedgerAccounts.ClientAvailable(clientId)),
            Escrowed = State.EscrowedByClient.GetValueOrDefault(clientId),
        });
    }
}
