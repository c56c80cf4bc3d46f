using System.Numerics;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rpc;

/// <summary>The receipt of a mined transaction (<c>eth_getTransactionReceipt</c>).</summary>
/// <param name="TransactionHash">The transaction.</param>
/// <param name="BlockNumber">Block it was mined in.</param>
/// <param name="BlockHash">Hash of that block.</param>
/// <param name="TransactionIndex">Position in the block.</param>
/// <param name="From">Sender.</param>
/// <param name="To">Recipient; null for contract creation.</param>
/// <param name="ContractAddress">Address of the created contract, else null.</param>
/// <param name="Succeeded">Status 1 (true) or 0 (reverted).</param>
/// <param name="GasUsed">Gas used by this transaction.</param>
/// <param name="CumulativeGasUsed">Gas used in the block up to and including it.</param>
/// <param name="EffectiveGasPrice">Wei paid per gas; the fee is <c>GasUsed * EffectiveGasPrice</c>.</param>
/// <param name="Type">EIP-2718 type (0 legacy, 2 EIP-1559).</param>
/// <param name="Logs">Logs emitted.</param>
public sealed record TransactionReceipt(
    Hash32 TransactionHash,
    ulong BlockNumber,
    Hash32 BlockHash,
    ulong TransactionIndex,
    Address From,
    Address? To,
    Address? ContractAddress,
    bool Succeeded,
    ulong GasUsed,
    ulong CumulativeGasUsed,
    BigInteger EffectiveGasPrice,
    byte Type,
    IReadOnlyList<LogEntry> Logs)
{
    /// <summary>What the sender paid in fees: <c>GasUsed * EffectiveGasPrice</c>.</summary>
    public BigInteger Fee => GasUsed * EffectiveGasPrice;
}
