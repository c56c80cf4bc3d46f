using System.Numerics;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Settlement;

/// <summary>
/// The silo's connection to the settlement chain (one per silo, made on first use): the JSON-RPC client, the fee
/// estimator, the contracts' addresses and ABIs, and the custodial accounts derived from the settlement key.
/// </summary>
internal sealed class SettlementChain : IDisposable
{
    private readonly HttpClient _http = new();

    public SettlementChain(IOptions<ChainSettlementOptions> options)
    {
        Options = options.Value;
        Rpc = new EvmRpcClient(_http, new EvmRpcClientOptions { Endpoint = new Uri(Options.RpcUrl) });
        Fees = new FeeEstimator(Rpc);
        Accounts = new CustodialAccounts(SettlementKeyLoader.Load(Options));
        Escrow = Address.Parse(Options.EscrowAddress);
        Staking = Address.Parse(Options.StakingAddress);
        Token = Address.Parse(Options.TokenAddress);
        ReceiptRelease = Options.ReceiptReleaseAddress.Length == 0 ? null : Address.Parse(Options.ReceiptReleaseAddress);
        GasFloor = ChainSettlementOptionsValidator.ParseWei(Options.GasFloorWei) ?? BigInteger.Zero;
        GasTopUp = ChainSettlementOptionsValidator.ParseWei(Options.GasTopUpWei) ?? BigInteger.Zero;
        MaxFeePerGasCap = ChainSettlementOptionsValidator.ParseWei(Options.MaxFeePerGasCapWei) ?? BigInteger.Zero;
    }

    /// <summary>The settings.</summary>
    public ChainSettlementOptions Options { get; }

    /// <summary>The node.</summary>
    public IEvmRpcClient Rpc { get; }

    /// <summary>EIP-1559 fees for new transactions.</summary>
    public FeeEstimator Fees { get; }

    /// <summary>The settlement account and every custodial account.</summary>
    public CustodialAccounts Accounts { get; }

    /// <summary>The Escrow contract.</summary>
    public Address Escrow { get; }

    /// <summary>The Staking contract.</summary>
    public Address Staking { get; }

    /// <summary>The token.</summary>
    public Address Token { get; }

    /// <summary>The ReceiptRelease contract; null when the deployment has none.</summary>
    public Address? ReceiptRelease { get; }

    /// <summary>The native balance below which a custodial account is topped up.</summary>
    public BigInteger GasFloor { get; }

    /// <summary>What a top-up sends.</summary>
    public BigInteger GasTopUp { get; }

    /// <summary>The highest max fee per gas a replacement offers (<see cref="ChainSettlementOptions.MaxFeePerGasCapWei"/>).</summary>
    public BigInteger MaxFeePerGasCap { get; }

    /// <summary>The Escrow ABI.</summary>
    public static ContractAbi EscrowAbi => SettlementContracts.Escrow.Abi;

    /// <summary>The Staking ABI.</summary>
    public static ContractAbi StakingAbi => SettlementContracts.Staking.Abi;

    /// <summary>The token ABI.</summary>
    public static ContractAbi TokenAbi => SettlementContracts.MarketToken.Abi;

    /// <summary>Calls a view of <paramref name="contract"/> and decodes its outputs; reverts are decoded against the ABI.</summary>
    public async Task<object?[]> CallAsync(ContractAbi abi, Address contract, string function, params object?[] arguments)
    {
        var abiFunction = abi.GetFunction(function);
        try
        {
            var result = await Rpc.CallAsync(new CallRequest { To = contract, Data = abiFunction.EncodeCall(arguments) });
            return abiFunction.DecodeOutput(result);
        }
        catch (ContractRevertException e) when (e.Reason.Kind == RevertKind.Unknown)
        {
            throw new ContractRevertException(abi.DecodeRevert(e.Reason.Data), e.TransactionHash, e);
        }
    }

    /// <summary>A view returning one unsigned integer.</summary>
    public async Task<BigInteger> UIntAsync(ContractAbi abi, Address contract, string function, params object?[] arguments) =>
        (BigInteger)(await CallAsync(abi, contract, function, arguments))[0]!;

    /// <summary>The token balance of <paramref name="account"/>.</summary>
    public Task<BigInteger> TokenBalanceAsync(Address account) => UIntAsync(TokenAbi, Token, "balanceOf", account);

    /// <summary>What <paramref name="account"/> may withdraw from the Escrow.</summary>
    public Task<BigInteger> ClaimableAsync(Address account) => UIntAsync(EscrowAbi, Escrow, "claimable", account);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
