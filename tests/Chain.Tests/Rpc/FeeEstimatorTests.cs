using System.Numerics;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Xunit;

namespace Marketplace.Chain.Tests.Rpc;

public sealed class FeeEstimatorTests
{
    [Fact]
    public void TheTipIsTheMedianOfBlocksThatUsedGasAndTheCapDoublesTheNextBaseFee()
    {
        var history = new FeeHistory(
            10,
            [100, 110, 120, 130, 140],
            [0.5, 0.0, 0.9, 0.2],
            [[7], [1000], [3], [5]]);

        var tip = FeeEstimator.MedianTip(history);
        Assert.Equal(new BigInteger(5), tip);
        var fees = FeeEstimator.Combine(history, tip!.Value, new FeeEstimatorOptions());
        Assert.Equal(new BigInteger(140), fees.BaseFeePerGas);
        Assert.Equal(new BigInteger((2 * 140) + 5), fees.MaxFeePerGas);
        Assert.Equal(new BigInteger(5), fees.MaxPriorityFeePerGas);

        var floored = FeeEstimator.Combine(history, tip.Value, new FeeEstimatorOptions { MinPriorityFeePerGas = 9, BaseFeeMultiplier = 3 });
        Assert.Equal(new BigInteger((3 * 140) + 9), floored.MaxFeePerGas);
    }

    [Fact]
    public void EmptyBlocksLeaveTheTipToTheNode()
    {
        Assert.Null(FeeEstimator.MedianTip(new FeeHistory(1, [1, 1, 1], [0.0, 0.0], [[4], [4]])));
        Assert.Throws<ChainFormatException>(() => FeeEstimator.Combine(new FeeHistory(1, [], [], []), 1, new FeeEstimatorOptions()));
    }
}
