using System.Numerics;
using Marketplace.Chain.Rpc;

namespace Marketplace.Chain.Sending;

/// <summary>EIP-1559 fees for a transaction.</summary>
/// <param name="MaxFeePerGas">Fee cap per gas.</param>
/// <param name="MaxPriorityFeePerGas">Tip per gas.</param>
/// <param name="BaseFeePerGas">The next block's base fee the estimate started from.</param>
public sealed record Eip1559Fees(BigInteger MaxFeePerGas, BigInteger MaxPriorityFeePerGas, BigInteger BaseFeePerGas);

/// <summary>Settings of <see cref="FeeEstimator"/>.</summary>
public sealed class FeeEstimatorOptions
{
    /// <summary>Blocks of fee history to look at (default 10).</summary>
    public int BlockCount { get; init; } = 10;

    /// <summary>Percentile of each block's priority fees taken as that block's tip (default 50).</summary>
    public double RewardPercentile { get; init; } = 50;

    /// <summary>How many times the next base fee the fee cap allows (default 2: room for six full blocks in a row).</summary>
    public int BaseFeeMultiplier { get; init; } = 2;

    /// <summary>The lowest tip used (default 0).</summary>
    public BigInteger MinPriorityFeePerGas { get; init; } = BigInteger.Zero;
}

/// <summary>
/// Estimates EIP-1559 fees from <c>eth_feeHistory</c>.
/// </summary>
/// <remarks>
/// Rule: read the last <see cref="FeeEstimatorOptions.BlockCount"/> blocks at the
/// <see cref="FeeEstimatorOptions.RewardPercentile"/>th percentile. The tip is the median of the per-block tips of
/// the blocks that used gas (the lower middle value for an even count); when no block used gas it is the node's
/// <c>eth_maxPriorityFeePerGas</c>; it is never below <see cref="FeeEstimatorOptions.MinPriorityFeePerGas"/>.
/// The fee cap is <c>BaseFeeMultiplier * nextBaseFee + tip</c>, where nextBaseFee is the last entry of
/// <c>baseFeePerGas</c> (the base fee of the block being built). The sender pays only base fee + tip; the cap is
/// headroom for base fee rises while the transaction waits.
/// </remarks>
public sealed class FeeEstimator
{
    private readonly IEvmRpcClient _rpc;
    private readonly FeeEstimatorOptions _options;
    private readonly double[] _percentiles;

    /// <summary>Creates an estimator.</summary>
    public FeeEstimator(IEvmRpcClient rpc, FeeEstimatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        _rpc = rpc;
        _options = options ?? new FeeEstimatorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BlockCount, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BaseFeeMultiplier, 1, nameof(options));
        if (_options.RewardPercentile is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.RewardPercentile, "RewardPercentile must be within 0..100.");
        }

        _percentiles = [_options.RewardPercentile];
    }

    /// <summary>Estimates fees following the rule in the remarks.</summary>
    public async Task<Eip1559Fees> EstimateAsync(CancellationToken cancellationToken = default)
    {
        var history = await _rpc.GetFeeHistoryAsync(_options.BlockCount, BlockTag.Latest, _percentiles, cancellationToken).ConfigureAwait(false);
        var tip = MedianTip(history);
        if (tip is null)
        {
            tip = await _rpc.GetMaxPriorityFeePerGasAsync(cancellationToken).ConfigureAwait(false);
        }

        return Combine(history, tip.Value, _options);
    }

    /// <summary>The median tip of the blocks that used gas, or null when none did.</summary>
    internal static BigInteger? MedianTip(FeeHistory history)
    {
        var tips = new List<BigInteger>();
        for (var i = 0; i < history.Reward.Count && i < history.GasUsedRatio.Count; i++)
        {
            if (history.GasUsedRatio[i] > 0 && history.Reward[i].Count > 0)
            {
                tips.Add(history.Reward[i][0]);
            }
        }

        if (tips.Count == 0)
        {
            return null;
        }

        tips.Sort();
        return tips[(tips.Count - 1) / 2];
    }

    internal static Eip1559Fees Combine(FeeHistory history, BigInteger tip, FeeEstimatorOptions options)
    {
        if (history.BaseFeePerGas.Count == 0)
        {
            throw new ChainFormatException("eth_feeHistory returned no base fees (is the chain past London?).");
        }

        var nextBaseFee = history.BaseFeePerGas[^1];
        var chosenTip = BigInteger.Max(tip, options.MinPriorityFeePerGas);
        return new Eip1559Fees((options.BaseFeeMultiplier * nextBaseFee) + chosenTip, chosenTip, nextBaseFee);
    }
}
