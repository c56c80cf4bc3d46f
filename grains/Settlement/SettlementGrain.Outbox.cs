using System.Numerics;
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Chain.Transactions;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

/// <summary>The outbox: every transaction is signed and stored before it is sent, then finished (mined, reverted or
/// dropped) before the next one is signed.</summary>
internal sealed partial class SettlementGrain
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How many times a transaction whose nonce was used is looked up before it counts as dropped (about 2 s).</summary>
    private const int DroppedAfterChecks = 40;

    /// <summary>Polls without a receipt after which a sent transaction is checked again and sent again when its nonce
    /// is still free (about 2 s): a node that lost it from its pool, or a chain that rolled back below it, gets the
    /// same bytes again instead of waiting for the receipt timeout.</summary>
    private const int ResendAfterPolls = 40;

    /// <summary>
    /// Runs step <paramref name="key"/> (<c>operation#step</c>) of an operation: the stored transaction when there is
    /// one (sent again or its receipt read), else a new one signed by <paramref name="signer"/>, stored, then sent.
    /// Returns the mined receipt. A stored transaction that was dropped (its nonce used by another) never ran, so it
    /// is signed anew; one that reverted is forgotten (a retry plans the operation again) and the revert is thrown.
    /// </summary>
    /// <exception cref="SettlementConflictException">The chain refused the call (in the gas estimate or mined).</exception>
    private async Task<TransactionReceipt> StepAsync(string key, Secp256k1PrivateKey signer, Address to, byte[] data, BigInteger value = default)
    {
        _signers[Address.FromPublicKey(signer.PublicKey).ToString()] = signer;
        if (State.Outbox.TryGetValue(key, out var stored))
        {
            // A group stores several transactions of one account before sending them: those with lower nonces are
            // finished first, so this one is not sent ahead of a nonce gap.
            await DrainAsync(stored.From);
            var receipt = await FinishAsync(stored);
            if (receipt is not null)
            {
                return Succeeded(stored, receipt);
            }

            State.Outbox.Remove(key);
        }

        await DrainAsync(Address.FromPublicKey(signer.PublicKey).ToString());
        var tx = await SignAsync(key, signer, to, data, value);
        State.Outbox[key] = tx;
        await WriteAsync();
        await BroadcastAsync(tx);
        AfterSend(key);
        var mined = await FinishAsync(tx, justSent: true)
            ?? throw new ChainSettlementUnavailableException($"transaction {tx.Hash} ({key}) was dropped: its nonce {tx.Nonce} was used by another transaction of {tx.From}; retry to send it again");
        return Succeeded(tx, mined);
    }

    /// <summary>The test hook of <see cref="SettlementFaults"/>: an injected crash drops the activation, as a dying
    /// silo would, with the transaction sent and its receipt not recorded.</summary>
    private void AfterSend(string key)
    {
        try
        {
            _faults?.AfterSend(key);
        }
        catch (SimulatedCrashException)
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>True when step <paramref name="key"/> has a stored transaction (it must be finished, not planned again).</summary>
    private bool HasStep(string key) => State.Outbox.ContainsKey(key);

    /// <summary>Forgets the stored steps of <paramref name="operation"/> once its outcome is recorded.</summary>
    private void ForgetSteps(string operation)
    {
        var prefix = operation + "#";
        List<string>? done = null;
        foreach (var key in State.Outbox.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                (done ??= []).Add(key);
            }
        }

        foreach (var key in done ?? [])
        {
            State.Outbox.Remove(key);
        }
    }

    private TransactionReceipt Succeeded(OutboxTransaction tx, TransactionReceipt receipt)
    {
        if (receipt.Succeeded)
        {
            return receipt;
        }

        State.Outbox.Remove(tx.Key);
        throw new SettlementConflictException($"the chain reverted transaction {tx.Hash} ({tx.Key}); nothing of it was applied");
    }

    /// <summary>Finishes every unfinished transaction of <paramref name="account"/> in the outbox, oldest nonce first,
    /// so that account's next nonce is known. Only the account about to send is drained: a nonce counts per account,
    /// and another account's stuck transaction (one whose sender lacks gas money until a top-up from the settlement
    /// account is sent) must not hold up that top-up. Dropped and reverted ones stay for their operation to
    /// handle.</summary>
    private async Task DrainAsync(string account)
    {
        List<OutboxTransaction>? unfinished = null;
        foreach (var tx in State.Outbox.Values)
        {
            if (tx.Unfinished && string.Equals(tx.From, account, StringComparison.OrdinalIgnoreCase))
            {
                (unfinished ??= []).Add(tx);
            }
        }

        if (unfinished is null)
        {
            return;
        }

        unfinished.Sort(static (a, b) => a.Nonce.CompareTo(b.Nonce));
        foreach (var tx in unfinished)
        {
            await FinishAsync(tx);
        }
    }

    /// <summary>
    /// Reconciles <paramref name="tx"/> with the chain: its receipt when mined (status recorded); when the node
    /// does not know it and its account's nonce has not passed it, the same bytes are sent again (after a node
    /// restart or a send whose answer was lost); when the nonce has passed it without a receipt, it was dropped
    /// (null). A receipt that disappears before its confirmations (a reorg) sends the same bytes again. Waits at most <see cref="ChainSettlementOptions.ReceiptTimeout"/>, then throws
    /// <see cref="ChainSettlementUnavailableException"/> with the transaction left in the outbox.
    /// </summary>
    private async Task<TransactionReceipt?> FinishAsync(OutboxTransaction tx, bool justSent = false)
    {
        switch (tx.Status)
        {
            case OutboxStatus.Dropped:
                return null;
            case OutboxStatus.Mined or OutboxStatus.Reverted:
                if (await chain.Rpc.GetTransactionReceiptAsync(Hash32.Parse(tx.Hash)) is { } known)
                {
                    return known;
                }

                // A receipt recorded before that the node no longer has (a chain restarted from an older state):
                // the transaction is sent again below.
                tx.Status = OutboxStatus.Signed;
                break;
        }

        var hash = Hash32.Parse(tx.Hash);
        var from = Address.Parse(tx.From);
        var started = _time.GetUtcNow();
        var broadcast = justSent;
        var nonceChecks = 0;
        var seenMined = false;
        var pollsSinceSend = 0;
        while (true)
        {
            var receipt = await chain.Rpc.GetTransactionReceiptAsync(hash);
            if (receipt is not null && await ConfirmedAsync(receipt))
            {
                tx.Status = receipt.Succeeded ? OutboxStatus.Mined : OutboxStatus.Reverted;
                tx.Block = receipt.BlockNumber;
                tx.GasUsed = receipt.GasUsed;
                return receipt;
            }

            if (receipt is null && tx.EarlierRaws.Count > 0 && await EarlierVersionMinedAsync(tx) is { } earlier)
            {
                receipt = earlier;
                hash = Hash32.Parse(tx.Hash);
                continue;
            }

            if (receipt is not null)
            {
                seenMined = true;
            }
            else if (seenMined)
            {
                // Mined, then gone before its confirmations (a reorg, a node rolled back): it is sent again, once its
                // nonce is known to be free, as if it had never been sent.
                _log.TransactionUnmined(tx.Hash, tx.Key);
                seenMined = false;
                broadcast = false;
                nonceChecks = 0;
            }

            if (receipt is null && broadcast && ++pollsSinceSend >= ResendAfterPolls)
            {
                broadcast = false;
                pollsSinceSend = 0;
            }

            if (receipt is null && !broadcast)
            {
                var next = await chain.Rpc.GetTransactionCountAsync(from, BlockTag.Latest);
                if (next > tx.Nonce)
                {
                    // Mined, or another transaction took the nonce: only the receipt can tell, and a node may count
                    // the nonce a moment before it serves the receipt, so it is asked for a while before giving up.
                    if (++nonceChecks < DroppedAfterChecks)
                    {
                        await Task.Delay(PollInterval, _time);
                        continue;
                    }

                    tx.Status = OutboxStatus.Dropped;
                    _log.TransactionDropped(tx.Hash, tx.Key, tx.Nonce);
                    return null;
                }

                await BroadcastAsync(tx);
                broadcast = true;
            }

            if (receipt is null && broadcast && await ReplaceIfStuckAsync(tx))
            {
                hash = Hash32.Parse(tx.Hash);
            }

            if (_time.GetUtcNow() - started > Options.ReceiptTimeout)
            {
                throw new ChainSettlementUnavailableException($"no receipt for transaction {tx.Hash} ({tx.Key}) within {Options.ReceiptTimeout}; it stays in the outbox and is checked again on the next call");
            }

            await Task.Delay(PollInterval, _time);
        }
    }

    /// <summary>True once <paramref name="receipt"/>'s block has <see cref="ChainSettlementOptions.Confirmations"/>
    /// blocks on top of it.</summary>
    private async Task<bool> ConfirmedAsync(TransactionReceipt receipt)
    {
        if (Options.Confirmations == 0)
        {
            return true;
        }

        var head = await chain.Rpc.GetBlockNumberAsync();
        return head >= receipt.BlockNumber + (ulong)Options.Confirmations;
    }

    /// <summary>Sends the stored bytes; a node that already has them, or whose account already used the nonce, is
    /// not an error here (<see cref="FinishAsync"/> tells which), nor is one that refuses them for their fees (they are
    /// replaced after <c>ReplaceAfter</c>).</summary>
    private async Task BroadcastAsync(OutboxTransaction tx)
    {
        try
        {
            await chain.Rpc.SendRawTransactionAsync(Hex.Decode(tx.Raw));
            if (tx.Status == OutboxStatus.Signed)
            {
                tx.Status = OutboxStatus.Sent;
            }
        }
        catch (ChainRpcException e) when (e.IsNonceTooLow || e.RpcMessage.Contains("already known", StringComparison.OrdinalIgnoreCase)
            || e.RpcMessage.Contains("already imported", StringComparison.OrdinalIgnoreCase))
        {
            // Known to the node or its nonce is used: the receipt or the nonce check decides.
        }
        catch (ChainRpcException e) when (e.IsFeeTooLow)
        {
            // Fees rose past what it offers (or a replacement does not pay enough more): not an outage. The receipt
            // wait goes on, and the replacement rule signs it again at the fees of the moment.
            _log.TransactionUnderpriced(tx.Hash, tx.Key, e.RpcMessage);
        }
    }

    /// <summary>Signs a new EIP-1559 transaction with the account's next nonce (every earlier one is finished), the
    /// gas estimate plus 20 % and the estimated fees. A call the chain would refuse fails here, before anything is stored.</summary>
    private async Task<OutboxTransaction> SignAsync(string key, Secp256k1PrivateKey signer, Address to, byte[] data, BigInteger value)
    {
        var from = Address.FromPublicKey(signer.PublicKey);
        ulong estimate;
        try
        {
            estimate = await chain.Rpc.EstimateGasAsync(new CallRequest { From = from, To = to, Data = data, Value = value });
        }
        catch (ContractRevertException e)
        {
            var reason = to == chain.Staking ? SettlementChain.StakingAbi.DecodeRevert(e.Reason.Data)
                : to == chain.Escrow ? SettlementChain.EscrowAbi.DecodeRevert(e.Reason.Data)
                : SettlementChain.TokenAbi.DecodeRevert(e.Reason.Data);
            throw new SettlementConflictException($"the chain refuses {key}: {reason}");
        }

        var fees = await chain.Fees.EstimateAsync();
        var nonce = await chain.Rpc.GetTransactionCountAsync(from, BlockTag.Pending);
        return Sign(key, signer, nonce, estimate, fees, to, data, value);
    }

    private OutboxTransaction Sign(string key, Secp256k1PrivateKey signer, ulong nonce, ulong estimate, Eip1559Fees fees, Address to, byte[] data, BigInteger value)
    {
        var transaction = new Eip1559Transaction
        {
            ChainId = Options.ChainId,
            Nonce = nonce,
            GasLimit = estimate + (estimate / 5) + 1,
            MaxFeePerGas = fees.MaxFeePerGas,
            MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
            To = to,
            Value = value,
            Data = data,
        };
        var signed = transaction.Sign(signer);
        return new OutboxTransaction
        {
            Key = key,
            From = Address.FromPublicKey(signer.PublicKey).ToString(),
            Nonce = nonce,
            Raw = signed.RawHex,
            Hash = signed.Hash.ToString(),
            Status = OutboxStatus.Signed,
            SignedAt = _time.GetUtcNow(),
        };
    }

    /// <summary>Gas one custodial transaction may use, for the money it must hold up front (a deposit uses about
    /// 120,000 with its 20 % margin).</summary>
    private const ulong UpfrontGasPerTransaction = 250_000;

    /// <summary>
    /// Tops <paramref name="account"/> up with gas money, as step <c>{operation}#gas</c>, when it holds less than the
    /// floor or less than <paramref name="transactions"/> transactions need up front at today's fees (gas limit times
    /// max fee each: a node refuses a transaction its sender cannot cover, however little it would use). The top-up
    /// is <c>GasTopUpWei</c>, or twice the need when fees have risen past it.
    /// </summary>
    private async Task EnsureGasAsync(string operation, Address account, int transactions = 1)
    {
        var key = operation + "#gas";
        if (HasStep(key))
        {
            await StepAsync(key, chain.Accounts.SettlementKey, account, [], chain.GasTopUp);
            return;
        }

        if (chain.GasTopUp <= 0)
        {
            return;
        }

        var fees = await chain.Fees.EstimateAsync();
        var needed = BigInteger.Max(chain.GasFloor, fees.MaxFeePerGas * UpfrontGasPerTransaction * transactions);
        var balance = await chain.Rpc.GetBalanceAsync(account);
        if (balance < needed)
        {
            await StepAsync(key, chain.Accounts.SettlementKey, account, [], BigInteger.Max(chain.GasTopUp, (needed * 2) - balance));
        }
    }
}
