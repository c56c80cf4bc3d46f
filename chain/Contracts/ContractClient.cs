using System.Numerics;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Contracts;

/// <summary>
/// Calls a deployed contract by function name: view calls through <c>eth_call</c>, state changes as signed
/// transactions, events from receipts or <c>eth_getLogs</c>. Reverts throw <see cref="ContractRevertException"/>
/// with custom errors decoded against the contract's ABI.
/// </summary>
/// <example>
/// <code>
/// var probe = await ContractClient.DeployAsync(sender, artifact, [BigInteger.One * 100]);
/// await probe.SendAsync("store", [1, 42, "note"]);
/// var value = (BigInteger)(await probe.CallAsync("values", [1]))[0]!;
/// </code>
/// </example>
public sealed class ContractClient
{
    private readonly IEvmRpcClient _rpc;
    private readonly TransactionSender? _sender;

    /// <summary>A client for the contract at <paramref name="address"/>; without a sender it can only call and read logs.</summary>
    public ContractClient(IEvmRpcClient rpc, ContractAbi abi, Address address, TransactionSender? sender = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(abi);
        _rpc = rpc;
        Abi = abi;
        Address = address;
        _sender = sender;
    }

    /// <summary>The contract's ABI.</summary>
    public ContractAbi Abi { get; }

    /// <summary>The contract's address.</summary>
    public Address Address { get; }

    /// <summary>Deploys <paramref name="artifact"/>'s bytecode with ABI-encoded constructor arguments and waits for the receipt.</summary>
    /// <exception cref="ContractRevertException">The constructor reverted.</exception>
    public static async Task<ContractClient> DeployAsync(
        TransactionSender sender,
        ContractArtifact artifact,
        IReadOnlyList<object?> constructorArguments,
        BigInteger value = default,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(constructorArguments);
        var arguments = AbiEncoder.Encode(AbiParameter.TypesOf(artifact.Abi.ConstructorInputs), constructorArguments);
        var code = new byte[artifact.Bytecode.Length + arguments.Length];
        artifact.Bytecode.Span.CopyTo(code);
        arguments.CopyTo(code, artifact.Bytecode.Length);
        var receipt = await WithAbiErrors(artifact.Abi, () => sender.SendAndWaitAsync(
            new TransactionRequest { Data = code, Value = value }, cancellationToken)).ConfigureAwait(false);
        var address = receipt.ContractAddress
            ?? throw new ChainFormatException($"The receipt of deployment {receipt.TransactionHash} has no contract address.");
        return new ContractClient(sender.Rpc, artifact.Abi, address, sender);
    }

    /// <summary>Calls <paramref name="function"/> (name or signature) with <c>eth_call</c> and decodes its outputs.</summary>
    /// <exception cref="ContractRevertException">The call reverted.</exception>
    public async Task<object?[]> CallAsync(
        string function, IReadOnlyList<object?> arguments, BlockTag block = default, CancellationToken cancellationToken = default)
    {
        var abiFunction = Abi.GetFunction(function);
        var data = EncodeCall(abiFunction, arguments);
        var result = await WithAbiErrors(Abi, () => _rpc.CallAsync(
            new CallRequest { From = _sender?.Address, To = Address, Data = data }, block, cancellationToken)).ConfigureAwait(false);
        return abiFunction.DecodeOutput(result);
    }

    /// <summary>Sends <paramref name="function"/> as a transaction and waits for a successful receipt.</summary>
    /// <exception cref="InvalidOperationException">The client was created without a sender.</exception>
    /// <exception cref="ContractRevertException">The transaction reverted (in the gas estimate or when mined).</exception>
    public Task<TransactionReceipt> SendAsync(
        string function, IReadOnlyList<object?> arguments, BigInteger value = default, CancellationToken cancellationToken = default)
    {
        var sender = _sender ?? throw new InvalidOperationException("This contract client has no transaction sender.");
        var data = EncodeCall(Abi.GetFunction(function), arguments);
        return WithAbiErrors(Abi, () => sender.SendAndWaitAsync(
            new TransactionRequest { To = Address, Data = data, Value = value }, cancellationToken));
    }

    /// <summary>The logs of <paramref name="eventName"/> this contract emitted in a receipt, decoded.</summary>
    public IReadOnlyList<DecodedEvent> DecodeEvents(TransactionReceipt receipt, string eventName)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return DecodeMatching(receipt.Logs, Abi.GetEvent(eventName));
    }

    /// <summary>
    /// Reads <paramref name="eventName"/> logs with <c>eth_getLogs</c>. <paramref name="indexedTopics"/> filters topics
    /// 1.. by position (null for any value); build values with <see cref="AbiEvent.EncodeTopic"/>.
    /// </summary>
    public async Task<IReadOnlyList<DecodedEvent>> GetEventsAsync(
        string eventName,
        BlockTag fromBlock,
        BlockTag toBlock,
        IReadOnlyList<IReadOnlyList<Hash32>?>? indexedTopics = null,
        CancellationToken cancellationToken = default)
    {
        var abiEvent = Abi.GetEvent(eventName);
        var topics = new List<IReadOnlyList<Hash32>?> { new[] { abiEvent.Topic } };
        if (indexedTopics is not null)
        {
            topics.AddRange(indexedTopics);
        }

        var logs = await _rpc.GetLogsAsync(
            new LogFilter { Addresses = [Address], Topics = topics, FromBlock = fromBlock, ToBlock = toBlock },
            cancellationToken).ConfigureAwait(false);
        return DecodeMatching(logs, abiEvent);
    }

    private List<DecodedEvent> DecodeMatching(IReadOnlyList<LogEntry> logs, AbiEvent abiEvent)
    {
        var decoded = new List<DecodedEvent>();
        foreach (var log in logs)
        {
            if (log.Address == Address && log.Topics.Count > 0 && log.Topics[0] == abiEvent.Topic)
            {
                decoded.Add(abiEvent.Decode(log.Topics, log.Data.Span));
            }
        }

        return decoded;
    }

    private static byte[] EncodeCall(AbiFunction function, IReadOnlyList<object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var values = new object?[arguments.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = arguments[i];
        }

        return function.EncodeCall(values);
    }

    /// <summary>Re-decodes revert data of <paramref name="action"/> against the contract's custom errors.</summary>
    private static async Task<T> WithAbiErrors<T>(ContractAbi abi, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ContractRevertException e) when (e.Reason.Kind == RevertKind.Unknown)
        {
            throw new ContractRevertException(abi.DecodeRevert(e.Reason.Data), e.TransactionHash, e);
        }
    }
}
