using System.Numerics;

namespace Marketplace.Chain.Rpc;

/// <summary>A block header as <c>eth_getBlockByNumber</c> returns it (transaction hashes only).</summary>
/// <param name="Number">Block number.</param>
/// <param name="Hash">Block hash.</param>
/// <param name="ParentHash">Parent block hash.</param>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="GasLimit">Block gas limit.</param>
/// <param name="GasUsed">Gas used by the block's transactions.</param>
/// <param name="BaseFeePerGas">EIP-1559 base fee; null before London.</param>
/// <param name="TransactionHashes">Hashes of the block's transactions in order.</param>
public sealed record Block(
    ulong Number,
    Hash32 Hash,
    Hash32 ParentHash,
    ulong Timestamp,
    ulong GasLimit,
    ulong GasUsed,
    BigInteger? BaseFeePerGas,
    IReadOnlyList<Hash32> TransactionHashes);
