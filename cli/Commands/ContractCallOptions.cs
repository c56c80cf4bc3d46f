using System.CommandLine;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;
using Marketplace.Grains.Settlement;

namespace Marketplace.Cli.Commands;

/// <summary>The options of a verb that sends contract calls straight to a node, without a silo (<c>--rpc</c>,
/// <c>--key-file</c>, <c>--contract</c>), and the <see cref="ContractCaller"/> they open.</summary>
internal sealed class ContractCallOptions
{
    public ContractCallOptions(string keyFileDescription, string contractDescription)
    {
        Rpc = new Option<string>("--rpc") { Description = "The node's JSON-RPC URL, e.g. http://127.0.0.1:8545.", Required = true };
        KeyFile = new Option<string>("--key-file") { Description = keyFileDescription, Required = true };
        Contract = new Option<string>("--contract") { Description = contractDescription, Required = true };
    }

    public Option<string> Rpc { get; }

    public Option<string> KeyFile { get; }

    public Option<string> Contract { get; }

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Rpc);
        command.Options.Add(KeyFile);
        command.Options.Add(Contract);
    }

    /// <summary>The <c>--contract</c> address; a usage error when it is none.</summary>
    public Address ContractAddress(VerbRun run)
    {
        try
        {
            return Address.Parse(run.Get(Contract));
        }
        catch (Crypto.CryptoFormatException e)
        {
            throw CliException.Usage($"--contract: '{run.Get(Contract)}' is not an address ({e.Message}).");
        }
    }

    /// <summary>Checks <c>--rpc</c> and loads <c>--key-file</c> (usage errors naming them), and opens the node.</summary>
    public ContractCaller Open(VerbRun run)
    {
        var url = ChainCommand.ParseUrl(run.Get(Rpc)!);
        var key = SettlementKeyLoader.TryLoad(new ChainSettlementOptions { PrivateKeyFile = Path.GetFullPath(run.Get(KeyFile)!) }, out var problem)
            ?? throw new CliException("invalid_key", ExitCodes.Usage, $"--key-file: {problem}.");
        return new ContractCaller(url, key);
    }
}

/// <summary>A node and a key that pays the gas: sends a contract call and waits for it, a revert decoded into the
/// contract's named error.</summary>
internal sealed class ContractCaller : IDisposable
{
    private readonly HttpClient _http = new();

    public ContractCaller(Uri url, Secp256k1PrivateKey key)
    {
        Rpc = new EvmRpcClient(_http, new EvmRpcClientOptions { Endpoint = url, RequestTimeout = TimeSpan.FromSeconds(30) });
        Sender = new TransactionSender(Rpc, key, new NonceManager(Rpc), new FeeEstimator(Rpc));
    }

    public EvmRpcClient Rpc { get; }

    public TransactionSender Sender { get; }

    /// <summary>Sends <paramref name="data"/> to <paramref name="to"/> and waits for its receipt.</summary>
    /// <exception cref="ContractRevertException">The contract refused it, its error decoded with <paramref name="abi"/>.</exception>
    public async Task<TransactionReceipt> SendAsync(Address to, byte[] data, ContractAbi abi, CancellationToken cancellationToken)
    {
        try
        {
            return await Sender.SendAndWaitAsync(new TransactionRequest { To = to, Data = data }, cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertException e) when (e.Reason.Kind == RevertKind.Unknown)
        {
            throw new ContractRevertException(abi.DecodeRevert(e.Reason.Data), e.TransactionHash, e);
        }
    }

    public void Dispose() => _http.Dispose();
}
