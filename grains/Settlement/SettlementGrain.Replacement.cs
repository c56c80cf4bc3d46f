// Design note: a transaction can sit unmined when fees rise after it was signed. After ReplaceAfter without a
// receipt, the same transaction (same nonce, recipient, data, value and gas limit) is signed again with both fees
// raised by at least 12.5 % (what nodes require to accept a replacement) and to at least the current estimate, capped
// by MaxFeePerGasCapWei. As with every transaction of the outbox, the new version is stored before it is sent; the
// versions it replaced are kept, because any one of them may still be the one mined (same nonce: never more than
// one). Replacing needs the sender's key, which the grain holds in memory for the operation under way: the settlement
// key always, a custodial key once its operation has run in this activation.
using System.Numerics;
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Transactions;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Grains.Settlement;

internal sealed partial class SettlementGrain
{
    private readonly Dictionary<string, Secp256k1PrivateKey> _signers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When an earlier version of <paramref name="tx"/> was mined, makes it the current one and returns its
    /// receipt; null otherwise.</summary>
    private async Task<TransactionReceipt?> EarlierVersionMinedAsync(OutboxTransaction tx)
    {
        for (var i = 0; i < tx.EarlierRaws.Count; i++)
        {
            var earlier = SignedTransaction.Decode(Hex.Decode(tx.EarlierRaws[i]));
            if (await chain.Rpc.GetTransactionReceiptAsync(earlier.Hash) is { } receipt)
            {
                tx.EarlierRaws[i] = tx.Raw;
                tx.Raw = earlier.RawHex;
                tx.Hash = earlier.Hash.ToString();
                return receipt;
            }
        }

        return null;
    }

    /// <summary>Replaces <paramref name="tx"/> with higher fees when it has waited <see cref="ChainSettlementOptions.ReplaceAfter"/>,
    /// its nonce is still free and its sender's key is at hand. True when a replacement was stored and sent.</summary>
    private async Task<bool> ReplaceIfStuckAsync(OutboxTransaction tx)
    {
        if (Options.ReplaceAfter <= TimeSpan.Zero || _time.GetUtcNow() - tx.SignedAt < Options.ReplaceAfter)
        {
            return false;
        }

        var signer = string.Equals(tx.From, chain.Accounts.SettlementAddress.ToString(), StringComparison.OrdinalIgnoreCase)
            ? chain.Accounts.SettlementKey
            : _signers.GetValueOrDefault(tx.From);
        if (signer is null || await chain.Rpc.GetTransactionCountAsync(Address.Parse(tx.From), BlockTag.Latest) > tx.Nonce)
        {
            return false;
        }

        if (SignedTransaction.Decode(Hex.Decode(tx.Raw)).Transaction is not Eip1559Transaction old)
        {
            return false;
        }

        var estimate = await chain.Fees.EstimateAsync();
        var priority = BigInteger.Max(Raised(old.MaxPriorityFeePerGas), estimate.MaxPriorityFeePerGas);
        var maxFee = BigInteger.Max(BigInteger.Max(Raised(old.MaxFeePerGas), estimate.MaxFeePerGas), priority);
        if (chain.MaxFeePerGasCap > 0 && maxFee > chain.MaxFeePerGasCap)
        {
            if (old.MaxFeePerGas >= chain.MaxFeePerGasCap)
            {
                // At the cap already: wait for fees to fall.
                tx.SignedAt = _time.GetUtcNow();
                return false;
            }

            maxFee = chain.MaxFeePerGasCap;
            priority = BigInteger.Min(priority, maxFee);
        }

        var replacement = new Eip1559Transaction
        {
            ChainId = old.ChainId,
            Nonce = old.Nonce,
            GasLimit = old.GasLimit,
            MaxFeePerGas = maxFee,
            MaxPriorityFeePerGas = priority,
            To = old.To,
            Value = old.Value,
            Data = old.Data,
            AccessList = old.AccessList,
        }.Sign(signer);
        var replaced = tx.Hash;
        tx.EarlierRaws.Add(tx.Raw);
        tx.Raw = replacement.RawHex;
        tx.Hash = replacement.Hash.ToString();
        tx.SignedAt = _time.GetUtcNow();
        await WriteAsync();
        _log.TransactionReplaced(replaced, tx.Hash, tx.Key, tx.Nonce, maxFee.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await BroadcastAsync(tx);
        return true;
    }

    /// <summary>A fee raised by 12.5 % (rounded up), at least by 1 wei.</summary>
    private static BigInteger Raised(BigInteger fee) => fee + BigInteger.Max(BigInteger.One, (fee + 7) / 8);
}
