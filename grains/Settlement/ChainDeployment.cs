using System.Numerics;
using Marketplace.Chain.Contracts;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Grains.Settlement;

/// <summary>What <see cref="ChainDeployment.DeployAsync"/> deploys.</summary>
public sealed record ChainDeploymentRequest
{
    /// <summary>The token's name (default "Marketplace Token").</summary>
    public string TokenName { get; init; } = "Marketplace Token";

    /// <summary>The token's symbol (default "MKT").</summary>
    public string TokenSymbol { get; init; } = "MKT";

    /// <summary>The token's decimals (default 6: one token is one price unit, its smallest unit the ledger's).</summary>
    public byte TokenDecimals { get; init; } = 6;

    /// <summary>Tokens minted to the settlement account, in smallest units (default 10^15: a billion price units).</summary>
    public BigInteger Supply { get; init; } = BigInteger.Pow(10, 15);

    /// <summary>The Staking contract's unstake delay in seconds (default 7 days, as the ledger).</summary>
    public ulong UnstakeDelaySeconds { get; init; } = 7 * 24 * 3600;

    /// <summary>The minimum stake to bid, in smallest units (default 10^9, as the ledger).</summary>
    public BigInteger MinimumStake { get; init; } = 1_000_000_000;

    /// <summary>Where slashed stake goes; null for the settlement account.</summary>
    public Address? Treasury { get; init; }
}

/// <summary>The addresses of a deployment.</summary>
/// <param name="Token">The MarketToken.</param>
/// <param name="Escrow">The Escrow (the settlement account holds its admin and settler roles).</param>
/// <param name="Staking">The Staking contract (the settlement account holds its admin and slasher roles).</param>
/// <param name="Settlement">The settlement account.</param>
/// <param name="ChainId">The chain's id.</param>
/// <param name="ReceiptRelease">The ReceiptRelease contract (holds the Escrow's settler role): releases a job's escrow
/// on its receipt signed by registered workers, for anyone who presents it.</param>
public sealed record ChainDeploymentResult(Address Token, Address Escrow, Address Staking, Address Settlement, long ChainId, Address ReceiptRelease);

/// <summary>Deploys the settlement contracts to a development chain from the settlement key: the token (minted to the
/// settlement account), the Escrow, the Staking contract and the ReceiptRelease contract; grants the settlement account
/// the settler and slasher roles, and ReceiptRelease the settler role (so a job's escrow can be released on proof
/// without the settlement key).</summary>
public static class ChainDeployment
{
    /// <summary>Deploys and waits for every receipt.</summary>
    public static async Task<ChainDeploymentResult> DeployAsync(IEvmRpcClient rpc, Secp256k1PrivateKey settlementKey, ChainDeploymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(settlementKey);
        ArgumentNullException.ThrowIfNull(request);
        var sender = new TransactionSender(rpc, settlementKey, new NonceManager(rpc), new FeeEstimator(rpc));
        var admin = sender.Address;
        var token = await ContractClient.DeployAsync(sender, SettlementContracts.MarketToken,
            [request.TokenName, request.TokenSymbol, (int)request.TokenDecimals, admin], cancellationToken: cancellationToken);
        var escrow = await ContractClient.DeployAsync(sender, SettlementContracts.Escrow, [token.Address, admin], cancellationToken: cancellationToken);
        var staking = await ContractClient.DeployAsync(sender, SettlementContracts.Staking,
            [token.Address, request.UnstakeDelaySeconds, request.MinimumStake, request.Treasury ?? admin, admin], cancellationToken: cancellationToken);
        var settlerRole = (byte[])(await escrow.CallAsync("SETTLER_ROLE", [], cancellationToken: cancellationToken))[0]!;
        await escrow.SendAsync("grantRole", [settlerRole, admin], cancellationToken: cancellationToken);
        var release = await ContractClient.DeployAsync(sender, SettlementContracts.ReceiptRelease, [escrow.Address, staking.Address], cancellationToken: cancellationToken);
        await escrow.SendAsync("grantRole", [settlerRole, release.Address], cancellationToken: cancellationToken);
        var slasherRole = (byte[])(await staking.CallAsync("SLASHER_ROLE", [], cancellationToken: cancellationToken))[0]!;
        await staking.SendAsync("grantRole", [slasherRole, admin], cancellationToken: cancellationToken);
        if (request.Supply > 0)
        {
            await token.SendAsync("mint", [admin, request.Supply], cancellationToken: cancellationToken);
        }

        var chainId = await rpc.GetChainIdAsync(cancellationToken);
        return new ChainDeploymentResult(token.Address, escrow.Address, staking.Address, admin, (long)chainId, release.Address);
    }
}
