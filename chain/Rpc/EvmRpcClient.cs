using System.Numerics;
using System.Text.Json;
using Marketplace.Chain.Abi;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rpc;

/// <summary>
/// Ethereum JSON-RPC over HTTP (<see cref="HttpClient"/> and <see cref="System.Text.Json"/>, no reflection).
/// Thread-safe; share one instance per node.
/// </summary>
/// <example>
/// <code>
/// var rpc = new EvmRpcClient(new HttpClient(), new EvmRpcClientOptions { Endpoint = new("http://127.0.0.1:8545") });
/// BigInteger chainId = await rpc.GetChainIdAsync();
/// BigInteger balance = await rpc.GetBalanceAsync(Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
/// </code>
/// </example>
public sealed partial class EvmRpcClient : IEvmRpcClient
{
    private readonly HttpClient _http;
    private readonly EvmRpcClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private long _nextId;

    /// <summary>Creates a client; <paramref name="httpClient"/> is not disposed by it.</summary>
    public EvmRpcClient(HttpClient httpClient, EvmRpcClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Endpoint);
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "RequestTimeout must be positive.");
        }

        _http = httpClient;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<BigInteger> GetChainIdAsync(CancellationToken cancellationToken = default) =>
        RpcJsonReader.Quantity(await SendAsync("eth_chainId", static _ => { }, cancellationToken).ConfigureAwait(false), "result");

    /// <inheritdoc />
    public async Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken = default) =>
        RpcJsonReader.QuantityUInt64(await SendAsync("eth_blockNumber", static _ => { }, cancellationToken).ConfigureAwait(false), "result");

    /// <inheritdoc />
    public Task<BigInteger> GetNativeBalanceAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        Address address;
        try
        {
            address = Address.Parse(account);
        }
        catch (CryptoFormatException e)
        {
            throw new ChainFormatException($"'{account}' is not an EVM address: {e.Message}", e);
        }

        return GetBalanceAsync(address, BlockTag.Latest, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Block?> GetBlockAsync(BlockTag block, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync("eth_getBlockByNumber", w =>
        {
            w.WriteStringValue(block.ToString());
            w.WriteBooleanValue(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Null ? null : RpcJsonReader.ReadBlock(result);
    }

    /// <inheritdoc />
    public async Task<BigInteger> GetBalanceAsync(Address account, BlockTag block = default, CancellationToken cancellationToken = default) =>
        RpcJsonReader.Quantity(
            await SendAsync("eth_getBalance", w => WriteAccountAndBlock(w, account, block), cancellationToken).ConfigureAwait(false),
            "result");

    /// <inheritdoc />
    public async Task<ulong> GetTransactionCountAsync(Address account, BlockTag block, CancellationToken cancellationToken = default) =>
        RpcJsonReader.QuantityUInt64(
            await SendAsync("eth_getTransactionCount", w => WriteAccountAndBlock(w, account, block), cancellationToken).ConfigureAwait(false),
            "result");

    /// <inheritdoc />
    public async Task<FeeHistory> GetFeeHistoryAsync(
        int blockCount, BlockTag newestBlock, IReadOnlyList<double> rewardPercentiles, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 1);
        ArgumentNullException.ThrowIfNull(rewardPercentiles);
        var result = await SendAsync("eth_feeHistory", w =>
        {
            w.WriteStringValue(Hex.EncodeQuantity(blockCount));
            w.WriteStringValue(newestBlock.ToString());
            w.WriteStartArray();
            foreach (var percentile in rewardPercentiles)
            {
                w.WriteNumberValue(percentile);
            }

            w.WriteEndArray();
        }, cancellationToken).ConfigureAwait(false);
        return RpcJsonReader.ReadFeeHistory(result);
    }

    /// <inheritdoc />
    public async Task<BigInteger> GetMaxPriorityFeePerGasAsync(CancellationToken cancellationToken = default) =>
        RpcJsonReader.Quantity(await SendAsync("eth_maxPriorityFeePerGas", static _ => { }, cancellationToken).ConfigureAwait(false), "result");

    /// <inheritdoc />
    public async Task<BigInteger> GetGasPriceAsync(CancellationToken cancellationToken = default) =>
        RpcJsonReader.Quantity(await SendAsync("eth_gasPrice", static _ => { }, cancellationToken).ConfigureAwait(false), "result");

    /// <inheritdoc />
    public async Task<ulong> EstimateGasAsync(CallRequest call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return RpcJsonReader.QuantityUInt64(
                await SendAsync("eth_estimateGas", w => WriteCall(w, call), cancellationToken).ConfigureAwait(false), "result");
        }
        catch (ChainRpcException e) when (AsRevert(e) is { } revert)
        {
            throw revert;
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> CallAsync(CallRequest call, BlockTag block = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            var result = await SendAsync("eth_call", w =>
            {
                WriteCall(w, call);
                w.WriteStringValue(block.ToString());
            }, cancellationToken).ConfigureAwait(false);
            return RpcJsonReader.Data(result, "result");
        }
        catch (ChainRpcException e) when (AsRevert(e) is { } revert)
        {
            throw revert;
        }
    }

    /// <inheritdoc />
    public async Task<Hash32> SendRawTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken = default) =>
        RpcJsonReader.Hash(
            await SendAsync("eth_sendRawTransaction", w => w.WriteStringValue(Hex.Encode(rawTransaction.Span)), cancellationToken).ConfigureAwait(false),
            "result");

    /// <inheritdoc />
    public async Task<TransactionReceipt?> GetTransactionReceiptAsync(Hash32 transactionHash, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync("eth_getTransactionReceipt", w => w.WriteStringValue(transactionHash.ToString()), cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Null ? null : RpcJsonReader.ReadReceipt(result);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LogEntry>> GetLogsAsync(LogFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = await SendAsync("eth_getLogs", w => WriteFilter(w, filter), cancellationToken).ConfigureAwait(false);
        return RpcJsonReader.ReadLogs(result);
    }

    /// <inheritdoc />
    public async Task<JsonElement> RequestAsync(string method, string parametersJson = "[]", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parametersJson);
        using var parameters = JsonDocument.Parse(parametersJson);
        if (parameters.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException("The parameters must be a JSON array.", nameof(parametersJson));
        }

        var items = parameters.RootElement.Clone();
        return await SendAsync(method, w =>
        {
            foreach (var item in items.EnumerateArray())
            {
                item.WriteTo(w);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Turns an error that reports a revert into <see cref="ContractRevertException"/>; null for other errors.</summary>
    internal static ContractRevertException? AsRevert(ChainRpcException error)
    {
        var reverted = error.Code == 3 || error.RpcMessage.Contains("revert", StringComparison.OrdinalIgnoreCase);
        if (!reverted)
        {
            return null;
        }

        byte[] data = [];
        if (error.ErrorData is { } text && text.StartsWith("0x", StringComparison.Ordinal))
        {
            try
            {
                data = Hex.Decode(text);
            }
            catch (ChainFormatException)
            {
                data = [];
            }
        }

        return new ContractRevertException(RevertReason.Decode(data), null, error);
    }

    private static void WriteAccountAndBlock(Utf8JsonWriter writer, Address account, BlockTag block)
    {
        writer.WriteStringValue(account.ToChecksumString());
        writer.WriteStringValue(block.ToString());
    }

    private static void WriteCall(Utf8JsonWriter writer, CallRequest call)
    {
        writer.WriteStartObject();
        if (call.From is { } from)
        {
            writer.WriteString("from", from.ToChecksumString());
        }

        if (call.To is { } to)
        {
            writer.WriteString("to", to.ToChecksumString());
        }

        if (call.Value is { } value)
        {
            writer.WriteString("value", Hex.EncodeQuantity(value));
        }

        if (call.Gas is { } gas)
        {
            writer.WriteString("gas", Hex.EncodeQuantity(gas));
        }

        var data = Hex.Encode(call.Data.Span);
        writer.WriteString("input", data);
        writer.WriteString("data", data);
        writer.WriteEndObject();
    }

    private static void WriteFilter(Utf8JsonWriter writer, LogFilter filter)
    {
        writer.WriteStartObject();
        writer.WriteString("fromBlock", filter.FromBlock.ToString());
        writer.WriteString("toBlock", filter.ToBlock.ToString());
        if (filter.Addresses.Count > 0)
        {
            writer.WriteStartArray("address");
            foreach (var address in filter.Addresses)
            {
                writer.WriteStringValue(address.ToChecksumString());
            }

            writer.WriteEndArray();
        }

        writer.WriteStartArray("topics");
        foreach (var position in filter.Topics)
        {
            if (position is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartArray();
            foreach (var topic in position)
            {
                writer.WriteStringValue(topic.ToString());
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
