using System.Numerics;

namespace Marketplace.Chain.Rpc;

/// <summary>
/// What any settlement chain client offers, independent of the chain family (an EVM node here; a Starknet node
/// could implement it too): which chain it is, how far it is, and an account's native balance.
/// </summary>
public interface IChainClient
{
    /// <summary>The chain id.</summary>
    Task<BigInteger> GetChainIdAsync(CancellationToken cancellationToken = default);

    /// <summary>The number of the latest block.</summary>
    Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken = default);

    /// <summary>The native-token balance of <paramref name="account"/> (in the chain's smallest unit) at the latest block.</summary>
    /// <exception cref="ChainFormatException">The account is not an address of this chain.</exception>
    Task<BigInteger> GetNativeBalanceAsync(string account, CancellationToken cancellationToken = default);
}
