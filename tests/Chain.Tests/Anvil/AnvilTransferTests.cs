using System.Numerics;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Chain.Transactions;
using Marketplace.Crypto.Ethereum;
using Xunit;

namespace Marketplace.Chain.Tests.Anvil;

/// <summary>Signed transfers, nonces and receipt waits against a real anvil.</summary>
public sealed class AnvilTransferTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    [AnvilFact]
    public async Task AnEip1559TransferIsMinedWithExactBalanceChanges()
    {
        var start = Wei.FromEther(10);
        var key = await anvil.FundedKeyAsync(start);
        var payee = Address.FromPublicKey(Secp256k1PrivateKey.Generate().PublicKey);
        var sender = anvil.Sender(key);
        var amount = Wei.FromEther(1.5m);

        var receipt = await sender.SendAndWaitAsync(new TransactionRequest { To = payee, Value = amount });

        Assert.True(receipt.Succeeded);
        Assert.Equal(2, receipt.Type);
        Assert.Equal(sender.Address, receipt.From);
        Assert.Equal(21_000UL, receipt.GasUsed);
        Assert.Equal(amount, await anvil.Rpc.GetBalanceAsync(payee));
        Assert.Equal(start - amount - receipt.Fee, await anvil.Rpc.GetBalanceAsync(sender.Address));
        var block = await anvil.Rpc.GetBlockAsync(BlockTag.Number(receipt.BlockNumber));
        Assert.NotNull(block);
        Assert.Contains(receipt.TransactionHash, block.TransactionHashes);
        Assert.True(receipt.EffectiveGasPrice >= block.BaseFeePerGas);
    }

    [AnvilFact]
    public async Task ALegacyEip155TransferIsMinedWithExactBalanceChanges()
    {
        var start = Wei.FromEther(3);
        var key = await anvil.FundedKeyAsync(start);
        var payee = Address.FromPublicKey(Secp256k1PrivateKey.Generate().PublicKey);
        var sender = anvil.Sender(key);
        var gasPrice = await anvil.Rpc.GetGasPriceAsync();

        var receipt = await sender.SendAndWaitAsync(new TransactionRequest { To = payee, Value = 12_345, Legacy = true, GasPrice = gasPrice });

        Assert.True(receipt.Succeeded);
        Assert.Equal(0, receipt.Type);
        Assert.Equal(gasPrice, receipt.EffectiveGasPrice);
        Assert.Equal(new BigInteger(12_345), await anvil.Rpc.GetBalanceAsync(payee));
        Assert.Equal(start - 12_345 - (receipt.GasUsed * gasPrice), await anvil.Rpc.GetBalanceAsync(sender.Address));
    }

    [AnvilFact]
    public async Task ARawTransactionSignedHereHasTheHashTheNodeReports()
    {
        var key = await anvil.FundedKeyAsync(Wei.FromEther(1));
        var from = Address.FromPublicKey(key.PublicKey);
        var fees = await new FeeEstimator(anvil.Rpc).EstimateAsync();
        var tx = new Eip1559Transaction
        {
            ChainId = await anvil.Rpc.GetChainIdAsync(),
            Nonce = await anvil.Rpc.GetTransactionCountAsync(from, BlockTag.Pending),
            MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
            MaxFeePerGas = fees.MaxFeePerGas,
            GasLimit = 21_000,
            To = Address.FromPublicKey(Secp256k1PrivateKey.Generate().PublicKey),
            Value = 1,
        };
        var signed = tx.Sign(key);

        var hash = await anvil.Rpc.SendRawTransactionAsync(signed.Raw.ToArray());

        Assert.Equal(signed.Hash, hash);
        var receipt = await anvil.Rpc.WaitForReceiptAsync(hash, TimeSpan.FromSeconds(30));
        Assert.Equal(from, receipt.From);
        Assert.Equal(from, SignedTransaction.Decode(signed.Raw).RecoverSender());
    }

    [AnvilFact]
    public async Task ConcurrentSendsFromSeveralSendersGetDistinctGaplessNonces()
    {
        const int senders = 3;
        const int perSender = 8;
        var sink = Address.FromPublicKey(Secp256k1PrivateKey.Generate().PublicKey);
        var accounts = new TransactionSender[senders];
        for (var i = 0; i < senders; i++)
        {
            accounts[i] = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(1)));
        }

        var sends = new List<Task<SentTransaction>>();
        foreach (var account in accounts)
        {
            for (var n = 0; n < perSender; n++)
            {
                sends.Add(Task.Run(() => account.SendAsync(new TransactionRequest { To = sink, Value = 1, GasLimit = 21_000 })));
            }
        }

        var sent = await Task.WhenAll(sends);
        foreach (var transaction in sent)
        {
            var receipt = await anvil.Rpc.WaitForReceiptAsync(transaction.Hash, TimeSpan.FromSeconds(30));
            Assert.True(receipt.Succeeded);
        }

        foreach (var account in accounts)
        {
            var nonces = sent.Where(s => s.Transaction.RecoverSender() == account.Address).Select(s => s.Nonce).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, perSender).Select(n => (ulong)n), nonces);
            Assert.Equal((ulong)perSender, await anvil.Rpc.GetTransactionCountAsync(account.Address, BlockTag.Latest));
        }

        Assert.Equal(new BigInteger(senders * perSender), await anvil.Rpc.GetBalanceAsync(sink));
    }

    [AnvilFact]
    public async Task TheNonceManagerResyncsAfterNonceTooLow()
    {
        var key = await anvil.FundedKeyAsync(Wei.FromEther(1));
        var sender = anvil.Sender(key);
        var payee = Address.FromPublicKey(Secp256k1PrivateKey.Generate().PublicKey);
        var first = await sender.SendAsync(new TransactionRequest { To = payee, Value = 1, GasLimit = 21_000 });
        Assert.Equal(0UL, first.Nonce);

        // Another process uses nonce 1 behind the manager's back.
        var fees = await new FeeEstimator(anvil.Rpc).EstimateAsync();
        var outside = new Eip1559Transaction
        {
            ChainId = await anvil.Rpc.GetChainIdAsync(),
            Nonce = 1,
            MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
            MaxFeePerGas = fees.MaxFeePerGas,
            GasLimit = 21_000,
            To = payee,
            Value = 1,
        }.Sign(key);
        await anvil.Rpc.WaitForReceiptAsync(await anvil.Rpc.SendRawTransactionAsync(outside.Raw.ToArray()), TimeSpan.FromSeconds(30));

        var next = await sender.SendAsync(new TransactionRequest { To = payee, Value = 1, GasLimit = 21_000 });

        Assert.Equal(2UL, next.Nonce);
        Assert.True((await anvil.Rpc.WaitForReceiptAsync(next.Hash, TimeSpan.FromSeconds(30))).Succeeded);
        Assert.Equal(new BigInteger(3), await anvil.Rpc.GetBalanceAsync(payee));
    }

    [AnvilFact]
    public async Task WaitingForAReceiptThatIsNotMinedTimesOutWithATypedError()
    {
        var key = await anvil.FundedKeyAsync(Wei.FromEther(1));
        var sender = anvil.Sender(key);
        await anvil.Rpc.RequestAsync("evm_setAutomine", "[false]");
        try
        {
            var pending = await sender.SendAsync(new TransactionRequest { To = sender.Address, Value = 1, GasLimit = 21_000 });

            var error = await Assert.ThrowsAsync<ChainTimeoutException>(
                () => anvil.Rpc.WaitForReceiptAsync(pending.Hash, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(20)));
            Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
            Assert.Contains(pending.Hash.ToString(), error.Message, StringComparison.Ordinal);

            await anvil.Rpc.RequestAsync("evm_mine");
            Assert.True((await anvil.Rpc.WaitForReceiptAsync(pending.Hash, TimeSpan.FromSeconds(30))).Succeeded);
        }
        finally
        {
            await anvil.Rpc.RequestAsync("evm_setAutomine", "[true]");
        }
    }

    [AnvilFact]
    public async Task ChainIdBlockNumberAndFeeHistoryAreRead()
    {
        Assert.Equal(new BigInteger(31337), await anvil.Rpc.GetChainIdAsync());
        IChainClient chain = anvil.Rpc;
        var key = await anvil.FundedKeyAsync(Wei.FromEther(2));
        Assert.Equal(Wei.FromEther(2), await chain.GetNativeBalanceAsync(Address.FromPublicKey(key.PublicKey).ToChecksumString()));
        await Assert.ThrowsAsync<ChainFormatException>(() => chain.GetNativeBalanceAsync("0x1234"));
        var before = await chain.GetBlockNumberAsync();
        await anvil.Rpc.RequestAsync("evm_mine");
        Assert.Equal(before + 1, await chain.GetBlockNumberAsync());
        var history = await anvil.Rpc.GetFeeHistoryAsync(4, BlockTag.Latest, [50]);
        Assert.Equal(history.GasUsedRatio.Count + 1, history.BaseFeePerGas.Count);
        var fees = await new FeeEstimator(anvil.Rpc).EstimateAsync();
        Assert.Equal((2 * history.BaseFeePerGas[^1]) + fees.MaxPriorityFeePerGas, fees.MaxFeePerGas);
        Assert.Null(await anvil.Rpc.GetBlockAsync(BlockTag.Number(before + 1000)));
        var unknown = await Assert.ThrowsAsync<ChainRpcException>(() => anvil.Rpc.RequestAsync("eth_noSuchMethod"));
        Assert.Equal(-32601, unknown.Code);
    }
}
