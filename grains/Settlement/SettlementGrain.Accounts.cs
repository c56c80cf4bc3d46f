using System.Numerics;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using static Marketplace.GrainInterfaces.LedgerPosting;

namespace Marketplace.Grains.Settlement;

/// <summary>Client deposits, withdrawals and balances: a client's available money is its custodial account's token
/// balance plus what it may withdraw from the Escrow (rests and refunds of its jobs).</summary>
internal sealed partial class SettlementGrain
{
    /// <inheritdoc />
    public async Task<LedgerReceipt> DepositAsync(string clientId, UInt128 amount, string depositId)
    {
        SettlementIds.Require(clientId, nameof(clientId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(depositId, nameof(depositId));
        var operation = "deposit/" + depositId;
        if (Recorded(operation, nameof(depositId), clientId, amount) is { } recorded)
        {
            return recorded;
        }

        var client = chain.Accounts.AddressOf(AccountRole.Client, clientId);
        await ChainAsync(async () =>
        {
            await EnsureGasAsync(operation, client);
            await StepAsync(operation + "#transfer", chain.Accounts.SettlementKey, chain.Token,
                SettlementChain.TokenAbi.GetFunction("transfer").EncodeCall(client, (BigInteger)amount));
        });
        var entry = Post(LedgerOperation.Deposit, depositId, [Debit(LedgerAccounts.Outside, amount), Credit(LedgerAccounts.ClientAvailable(clientId), amount)]);
        return await RecordAsync(operation, Receipt(entry, depositId, clientId, amount));
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> WithdrawAsync(string clientId, UInt128 amount, string withdrawalId)
    {
        SettlementIds.Require(clientId, nameof(clientId));
        SettlementIds.RequirePositive(amount, nameof(amount));
        SettlementIds.Require(withdrawalId, nameof(withdrawalId));
        var operation = "withdrawal/" + withdrawalId;
        if (Recorded(operation, nameof(withdrawalId), clientId, amount) is { } recorded)
        {
            return recorded;
        }

        await ChainAsync(() => PayOutAsync(operation, AccountRole.Client, clientId, amount, includeWallet: true,
            available => $"client {clientId} has {available} available; the withdrawal is {amount}"));
        var entry = Post(LedgerOperation.Withdrawal, withdrawalId, [Debit(LedgerAccounts.ClientAvailable(clientId), amount), Credit(LedgerAccounts.Outside, amount)]);
        return await RecordAsync(operation, Receipt(entry, withdrawalId, clientId, amount));
    }

    /// <inheritdoc />
    public async Task<ClientBalance> GetBalanceAsync(string clientId)
    {
        SettlementIds.Require(clientId, nameof(clientId));
        var client = chain.Accounts.AddressOf(AccountRole.Client, clientId);
        var available = await ChainAsync(async () => await chain.TokenBalanceAsync(client) + await chain.ClaimableAsync(client));
        var escrowed = UInt128.Zero;
        foreach (var job in State.Jobs.Values)
        {
            if (job.Stage is ChainJobStage.Open or ChainJobStage.Queued or ChainJobStage.Batched
                && string.Equals(job.Escrow.ClientId, clientId, StringComparison.Ordinal))
            {
                escrowed = checked(escrowed + job.Escrow.Amount);
            }
        }

        return new ClientBalance { ClientId = clientId, Available = ToAmount(available), Escrowed = escrowed };
    }

    /// <summary>
    /// Pays <paramref name="amount"/> out of an owner's custodial account to its withdrawal address (or the settlement
    /// account): what it may withdraw from the Escrow first (earnings, rests, refunds), then, with
    /// <paramref name="includeWallet"/>, its token balance. Steps: gas, the Escrow withdrawal, the token transfer.
    /// </summary>
    private async Task PayOutAsync(string operation, AccountRole role, string ownerId, UInt128 amount, bool includeWallet, Func<BigInteger, string> shortage)
    {
        var key = chain.Accounts.KeyOf(role, ownerId);
        var account = chain.Accounts.AddressOf(role, ownerId);
        var wanted = (BigInteger)amount;
        if (!HasStep(operation + "#transfer"))
        {
            var claimable = await chain.ClaimableAsync(account);
            var wallet = includeWallet ? await chain.TokenBalanceAsync(account) : BigInteger.Zero;
            if (!HasStep(operation + "#claim") && claimable + wallet < wanted)
            {
                throw new InsufficientFundsException(shortage(claimable + wallet));
            }

            await EnsureGasAsync(operation, account);
            var fromEscrow = includeWallet ? BigInteger.Max(BigInteger.Zero, wanted - wallet) : wanted;
            if (HasStep(operation + "#claim") || fromEscrow > 0)
            {
                await StepAsync(operation + "#claim", key, chain.Escrow, SettlementChain.EscrowAbi.GetFunction("withdraw").EncodeCall(fromEscrow));
            }
        }

        await StepAsync(operation + "#transfer", key, chain.Token, SettlementChain.TokenAbi.GetFunction("transfer").EncodeCall(WithdrawalAddressOf(ownerId), wanted));
    }

    /// <summary>Where <paramref name="ownerId"/>'s withdrawals go.</summary>
    private Address WithdrawalAddressOf(string ownerId) =>
        Options.WithdrawalAddresses.TryGetValue(ownerId, out var configured) ? Address.Parse(configured) : chain.Accounts.SettlementAddress;

    /// <summary>The receipt recorded under <paramref name="operation"/>, or null; the same id with another owner or
    /// amount is a conflict.</summary>
    private LedgerReceipt? Recorded(string operation, string field, string owner, UInt128 amount)
    {
        if (!State.Operations.TryGetValue(operation, out var receipt))
        {
            return null;
        }

        if (!string.Equals(receipt.Owner, owner, StringComparison.Ordinal) || receipt.Amount != amount)
        {
            throw new SettlementConflictException(
                $"{field}: '{receipt.OperationId}' was used for a {receipt.Operation} of {receipt.Amount} for {receipt.Owner}, not of {amount} for {owner}");
        }

        return receipt;
    }

    /// <summary>Records an operation's receipt, forgets its steps and writes.</summary>
    private async Task<LedgerReceipt> RecordAsync(string operation, LedgerReceipt receipt)
    {
        State.Operations[operation] = receipt;
        ForgetSteps(operation);
        await WriteAsync();
        return receipt;
    }

    private static LedgerReceipt Receipt(LedgerEntry entry, string operationId, string owner, UInt128 amount, DateTimeOffset? releaseAt = null) => new()
    {
        Sequence = entry.Sequence,
        Operation = entry.Operation,
        OperationId = operationId,
        Owner = owner,
        Amount = amount,
        At = entry.At,
        ReleaseAt = releaseAt,
    };
}
