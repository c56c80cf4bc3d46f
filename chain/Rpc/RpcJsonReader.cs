using System.Numerics;
using System.Text.Json;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rpc;

/// <summary>Reads JSON-RPC results into the library's types; anything missing or malformed is a <see cref="ChainFormatException"/>.</summary>
internal static class RpcJsonReader
{
    public static Block ReadBlock(JsonElement block)
    {
        RequireObject(block, "block");
        var transactions = new List<Hash32>();
        if (block.TryGetProperty("transactions", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                transactions.Add(item.ValueKind == JsonValueKind.String ? Hash(item, "transactions[]") : Hash(item.GetProperty("hash"), "transactions[].hash"));
            }
        }

        return new Block(
            QuantityUInt64(Get(block, "number"), "number"),
            Hash(Get(block, "hash"), "hash"),
            Hash(Get(block, "parentHash"), "parentHash"),
            QuantityUInt64(Get(block, "timestamp"), "timestamp"),
            QuantityUInt64(Get(block, "gasLimit"), "gasLimit"),
            QuantityUInt64(Get(block, "gasUsed"), "gasUsed"),
            block.TryGetProperty("baseFeePerGas", out var baseFee) && baseFee.ValueKind == JsonValueKind.String ? Quantity(baseFee, "baseFeePerGas") : null,
            transactions);
    }

    public static TransactionReceipt ReadReceipt(JsonElement receipt)
    {
        RequireObject(receipt, "receipt");
        var status = QuantityUInt64(Get(receipt, "status"), "status");
        if (status > 1)
        {
            throw new ChainFormatException($"A receipt's status must be 0x0 or 0x1; got {status}.");
        }

        var type = receipt.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? QuantityUInt64(t, "type") : 0;
        return new TransactionReceipt(
            Hash(Get(receipt, "transactionHash"), "transactionHash"),
            QuantityUInt64(Get(receipt, "blockNumber"), "blockNumber"),
            Hash(Get(receipt, "blockHash"), "blockHash"),
            QuantityUInt64(Get(receipt, "transactionIndex"), "transactionIndex"),
            Address(Get(receipt, "from"), "from"),
            OptionalAddress(receipt, "to"),
            OptionalAddress(receipt, "contractAddress"),
            status == 1,
            QuantityUInt64(Get(receipt, "gasUsed"), "gasUsed"),
            QuantityUInt64(Get(receipt, "cumulativeGasUsed"), "cumulativeGasUsed"),
            Quantity(Get(receipt, "effectiveGasPrice"), "effectiveGasPrice"),
            type <= byte.MaxValue ? (byte)type : throw new ChainFormatException($"Transaction type {type} is out of range."),
            ReadLogs(Get(receipt, "logs")));
    }

    public static IReadOnlyList<LogEntry> ReadLogs(JsonElement logs)
    {
        if (logs.ValueKind != JsonValueKind.Array)
        {
            throw new ChainFormatException("Expected an array of logs.");
        }

        var result = new List<LogEntry>(logs.GetArrayLength());
        foreach (var log in logs.EnumerateArray())
        {
            result.Add(ReadLog(log));
        }

        return result;
    }

    public static FeeHistory ReadFeeHistory(JsonElement history)
    {
        RequireObject(history, "fee history");
        var baseFees = new List<BigInteger>();
        foreach (var fee in Array(history, "baseFeePerGas"))
        {
            baseFees.Add(Quantity(fee, "baseFeePerGas[]"));
        }

        var ratios = new List<double>();
        foreach (var ratio in Array(history, "gasUsedRatio"))
        {
            ratios.Add(ratio.ValueKind == JsonValueKind.Number ? ratio.GetDouble() : throw new ChainFormatException("gasUsedRatio entries must be numbers."));
        }

        var rewards = new List<IReadOnlyList<BigInteger>>();
        if (history.TryGetProperty("reward", out var rewardList) && rewardList.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in rewardList.EnumerateArray())
            {
                var perBlock = new List<BigInteger>();
                foreach (var reward in Array(block, null))
                {
                    perBlock.Add(Quantity(reward, "reward[][]"));
                }

                rewards.Add(perBlock);
            }
        }

        return new FeeHistory(QuantityUInt64(Get(history, "oldestBlock"), "oldestBlock"), baseFees, ratios, rewards);
    }

    public static BigInteger Quantity(JsonElement value, string name) => Hex.DecodeQuantity(Text(value, name));

    public static ulong QuantityUInt64(JsonElement value, string name) => Hex.DecodeQuantityUInt64(Text(value, name));

    public static byte[] Data(JsonElement value, string name) => Hex.Decode(Text(value, name));

    public static Hash32 Hash(JsonElement value, string name) => Hash32.Parse(Text(value, name));

    private static LogEntry ReadLog(JsonElement log)
    {
        RequireObject(log, "log");
        var topics = new List<Hash32>();
        foreach (var topic in Array(log, "topics"))
        {
            topics.Add(Hash(topic, "topics[]"));
        }

        return new LogEntry(
            Address(Get(log, "address"), "address"),
            topics,
            Data(Get(log, "data"), "data"),
            OptionalQuantity(log, "blockNumber"),
            OptionalHash(log, "blockHash"),
            OptionalHash(log, "transactionHash"),
            OptionalQuantity(log, "logIndex"),
            log.TryGetProperty("removed", out var removed) && removed.ValueKind == JsonValueKind.True);
    }

    private static Address Address(JsonElement value, string name)
    {
        var text = Text(value, name);
        try
        {
            return Marketplace.Crypto.Ethereum.Address.Parse(text);
        }
        catch (CryptoFormatException e)
        {
            throw new ChainFormatException($"'{name}' is not an address: {e.Message}", e);
        }
    }

    private static Address? OptionalAddress(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Address(value, name) : null;

    private static ulong? OptionalQuantity(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? QuantityUInt64(value, name) : null;

    private static Hash32? OptionalHash(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Hash(value, name) : null;

    private static JsonElement Get(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value : throw new ChainFormatException($"The answer lacks '{name}'.");

    private static JsonElement.ArrayEnumerator Array(JsonElement parent, string? name)
    {
        var value = name is null ? parent : Get(parent, name);
        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new ChainFormatException($"'{name ?? "value"}' must be an array.");
    }

    private static string Text(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new ChainFormatException($"'{name}' must be a hex string; got {value.ValueKind}.");

    private static void RequireObject(JsonElement value, string what)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ChainFormatException($"Expected a {what} object; got {value.ValueKind}.");
        }
    }
}
