using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Ledger;

/// <summary>Client deposits, withdrawals and balances.</summary>
internal sealed partial class LedgerGrain
{
    /// <inheritdoc />
    public Task<LedgerReceipt> DepositAsync(string clientId, UInt128 amount, string depositId) =>
        TransferAsync(LedgerOperation.Deposit, "deposit", (clientId, nameof(clientId)), amount, (depositId, nameof(depositId)),
            LedgerAccounts.Outside, LedgerAccounts.ClientAvailable(clientId));

    /// <inheritdoc />
    public Task<LedgerReceipt> WithdrawAsync(string clientId, UInt128 amount, string withdrawalId) =>
        TransferAsync(LedgerOperation.Withdrawal, "withdrawal", (clientId, nameof(clientId)), amount, (withdrawalId, nameof(withdrawalId)),
            LedgerAccounts.ClientAvailable(clientId), LedgerAccounts.Outside,
            available => $"client {clientId} has {available} available; the withdrawal is {amount}");

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
