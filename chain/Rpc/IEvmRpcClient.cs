using System.Numerics;
using System.Text.Json;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rpc;

/// <summary>
/// The Ethereum JSON-RPC methods this library uses. Every call is bounded by a timeout and the caller's
/// cancellation token. Errors: <see cref="ChainRpcException"/> (error object), <see cref="ChainTransportException"/>
/// (unreachable, non-JSON-RPC answer), <see cref="ChainTimeoutException"/>, <see cref="ChainFormatException"/>
/// (malformed answer), <see cref="ContractRevertException"/> (calls and estimates that revert).
/// </summary>
public interface IEvmRpcClient : IChainClient
{
    /// <summary><c>eth_getBlockByNumber</c> without full transactions; null when the block does not exist.</summary>
    Task<Block?> GetBlockAsync(BlockTag block, CancellationToken cancellationToken = default);

    /// <summary><c>eth_getBalance</c> in wei.</summary>
    Task<BigInteger> GetBalanceAsync(Address account, BlockTag block = default, CancellationToken cancellationToken = default);

    /// <summary><c>eth_getTransactionCount</c>: the next nonce at <paramref name="block"/> (use <see cref="BlockTag.Pending"/> to count pooled transactions).</summary>
    Task<ulong> GetTransactionCountAsync(Address account, BlockTag block, CancellationToken cancellationToken = default);

    /// <summary><c>eth_feeHistory</c> over the <paramref name="blockCount"/> blocks ending at <paramref name="newestBlock"/>.</summary>
    Task<FeeHistory> GetFeeHistoryAsync(int blockCount, BlockTag newestBlock, IReadOnlyList<double> rewardPercentiles, CancellationToken cancellationToken = default);

    /// <summary><c>eth_maxPriorityFeePerGas</c>: the node's suggested tip in wei.</summary>
    Task<BigInteger> GetMaxPriorityFeePerGasAsync(CancellationToken cancellationToken = default);

    /// <summary><c>eth_gasPrice</c>: the node's suggested legacy gas price in wei.</summary>
    Task<BigInteger> GetGasPriceAsync(CancellationToken cancellationToken = default);

    /// <summary><c>eth_estimateGas</c>; a revert throws <see cref="ContractRevertException"/>.</summary>
    Task<ulong> EstimateGasAsync(CallRequest call, CancellationToken cancellationToken = default);

    /// <summary><c>eth_call</c>: the return data; a revert throws <see cref="ContractRevertException"/>.</summary>
    Task<byte[]> CallAsync(CallRequest call, BlockTag block = default, CancellationToken cancellationToken = default);

    /// <summary><c>eth_sendRawTransaction</c>: the transaction hash the node reports.</summary>
    Task<Hash32> SendRawTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken = default);

    /// <summary><c>eth_getTransactionReceipt</c>; null while the transaction is pending or unknown.</summary>
    Task<TransactionReceipt?> GetTransactionReceiptAsync(Hash32 transactionHash, CancellationToken cancellationToken = default);

    /// <summary><c>eth_getLogs</c>.</summary>
    Task<IReadOnlyList<LogEntry>> GetLogsAsync(LogFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Any other method (e.g. <c>evm_mine</c>): <paramref name="parametersJson"/> is the JSON array of parameters;
    /// the result is returned as a detached JSON element.
    /// </summary>
    Task<JsonElement> RequestAsync(string method, string parametersJson = "[]", CancellationToken cancellationToken = default);
}
