namespace Marketplace.Storage.ReedSolomon.Kernels;

/// <summary>One lookup per byte in the row of the 256 x 256 product table for the coefficient.</summary>
internal sealed class ScalarRegionMultiplier : RegionMultiplier
{
    public override GaloisKernel Kind => GaloisKernel.Scalar;

    protected override void MultiplyCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) =>
        ScalarTail<OverwriteMode>(c, src, dst, 0);

    protected override void MultiplyAddCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) =>
        ScalarTail<AccumulateMode>(c, src, dst, 0);
}
