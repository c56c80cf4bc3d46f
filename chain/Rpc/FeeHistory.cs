using System.Numerics;

namespace Marketplace.Chain.Rpc;

/// <summary>The answer of <c>eth_feeHistory</c>.</summary>
/// <param name="OldestBlock">First block of the range.</param>
/// <param name="BaseFeePerGas">Base fee of each block, plus one more: the next block's base fee.</param>
/// <param name="GasUsedRatio">Gas used / gas limit of each block.</param>
/// <param name="Reward">Per block, the priority fee at each requested percentile (empty when none were requested).</param>
public sealed record FeeHistory(
    ulong OldestBlock,
    IReadOnlyList<BigInteger> BaseFeePerGas,
    IReadOnlyList<double> GasUsedRatio,
    IReadOnlyList<IReadOnlyList<BigInteger>> Reward);
