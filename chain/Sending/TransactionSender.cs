using System.Numerics;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Transactions;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Sending;

/// <summary>
/// Sends transactions from one key: fills in chain id, nonce (<see cref="NonceManager"/>), gas limit and fees
/// (<see cref="FeeEstimator"/>), signs, submits, and optionally waits for the receipt. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var sender = new TransactionSender(rpc, key, new NonceManager(rpc), new FeeEstimator(rpc));
/// TransactionReceipt receipt = await sender.SendAndWaitAsync(new TransactionRequest { To = payee, Value = Wei.FromEther(1) });
/// </code>
/// </example>
public sealed class TransactionSender
{
    private readonly IEvmRpcClient _rpc;
    private readonly Secp256k1PrivateKey _key;
    private readonly NonceManager _nonces;
    private readonly FeeEstimator _fees;
    private readonly TransactionSenderOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lazy<Task<BigInteger>> _chainId;

    /// <summary>Creates a sender; share <paramref name="nonces"/> between all senders of one process.</summary>
    public TransactionSender(
        IEvmRpcClient rpc,
        Secp256k1PrivateKey key,
        NonceManager nonces,
        FeeEstimator fees,
        TransactionSenderOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(nonces);
        ArgumentNullException.ThrowIfNull(fees);
        _rpc = rpc;
        _key = key;
        _nonces = nonces;
        _fees = fees;
        _options = options ?? new TransactionSenderOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.GasLimitMargin, nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
        Address = Address.FromPublicKey(key.PublicKey);
        _chainId = new Lazy<Task<BigInteger>>(() => _rpc.GetChainIdAsync());
    }

    /// <summary>The sending account.</summary>
    public Address Address { get; }

    /// <summary>The node this sender talks to.</summary>
    public IEvmRpcClient Rpc => _rpc;

    /// <summary>Signs and submits; returns once the node accepted the transaction (not mined yet).</summary>
    /// <exception cref="ContractRevertException">The gas estimate reverted.</exception>
    /// <exception cref="ChainRpcException">The node refused the transaction.</exception>
    public async Task<SentTransaction> SendAsync(TransactionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chainId = await _chainId.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var gasLimit = request.GasLimit ?? await EstimateGasLimitAsync(request, cancellationToken).ConfigureAwait(false);
        Eip1559Fees? fees = null;
        BigInteger gasPrice = default;
        if (request.Legacy)
        {
            gasPrice = request.GasPrice ?? await _rpc.GetGasPriceAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            fees = request.Fees ?? await _fees.EstimateAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _nonces.SendWithNextNonceAsync(Address, async (nonce, token) =>
        {
            Transaction transaction = request.Legacy
                ? new LegacyTransaction
                {
                    ChainId = chainId,
                    Nonce = nonce,
                    GasPrice = gasPrice,
                    GasLimit = gasLimit,
                    To = request.To,
                    Value = request.Value,
                    Data = request.Data,
                }
                : new Eip1559Transaction
                {
                    ChainId = chainId,
                    Nonce = nonce,
                    MaxFeePerGas = fees!.MaxFeePerGas,
                    MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
                    GasLimit = gasLimit,
                    To = request.To,
                    Value = request.Value,
                    Data = request.Data,
                };
            var signed = transaction.Sign(_key);
            var hash = await _rpc.SendRawTransactionAsync(signed.Raw.ToArray(), token).ConfigureAwait(false);
            if (hash != signed.Hash)
            {
                throw new ChainFormatException($"The node reported hash {hash} for transaction {signed.Hash}.");
            }

            return new SentTransaction(hash, nonce, signed);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends, waits for the receipt, and checks its status. A reverted transaction is replayed with <c>eth_call</c>
    /// at its block to recover the revert data.
    /// </summary>
    /// <exception cref="ContractRevertException">The transaction reverted (in the estimate or when mined).</exception>
    /// <exception cref="ChainTimeoutException">No receipt within <see cref="TransactionSenderOptions.ReceiptTimeout"/>.</exception>
    public async Task<TransactionReceipt> SendAndWaitAsync(TransactionRequest request, CancellationToken cancellationToken = default)
    {
        var sent = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var receipt = await _rpc.WaitForReceiptAsync(
            sent.Hash, _options.ReceiptTimeout, _options.ReceiptPollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            throw new ContractRevertException(await ReplayRevertAsync(sent, receipt, cancellationToken).ConfigureAwait(false), receipt.TransactionHash);
        }

        return receipt;
    }

    private async Task<ulong> EstimateGasLimitAsync(TransactionRequest request, CancellationToken cancellationToken)
    {
        var estimate = await _rpc.EstimateGasAsync(
            new CallRequest { From = Address, To = request.To, Value = request.Value, Data = request.Data },
            cancellationToken).ConfigureAwait(false);
        return (ulong)Math.Ceiling(estimate * (1 + _options.GasLimitMargin));
    }

    private async Task<RevertReason> ReplayRevertAsync(SentTransaction sent, TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        // Replayed on the state before the transaction's block; earlier transactions of the same block are not replayed.
        var transaction = sent.Transaction.Transaction;
        try
        {
            await _rpc.CallAsync(
                new CallRequest { From = Address, To = transaction.To, Value = transaction.Value, Data = transaction.Data, Gas = transaction.GasLimit },
                BlockTag.Number(receipt.BlockNumber == 0 ? 0 : receipt.BlockNumber - 1),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertException e)
        {
            return e.Reason;
        }

        return RevertReason.Decode([]);
    }
}
