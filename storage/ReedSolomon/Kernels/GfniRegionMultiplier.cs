using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Marketplace.Storage.ReedSolomon.Kernels;

/// <summary>
/// GF2P8AFFINEQB: multiplication by a constant is linear over GF(2), so one affine transform with the coefficient's
/// 8 x 8 bit matrix multiplies every byte of a register. The instruction's own multiply (GF2P8MULB) is fixed to the
/// AES polynomial 0x11B and is not used. 64-byte registers where the runtime accelerates them, 32-byte otherwise.
/// </summary>
internal sealed class GfniRegionMultiplier : RegionMultiplier
{
    private static readonly bool Wide = Gfni.V512.IsSupported && Vector512.IsHardwareAccelerated;

    public override GaloisKernel Kind => GaloisKernel.Gfni;

    protected override void MultiplyCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<OverwriteMode>(c, src, dst);

    protected override void MultiplyAddCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<AccumulateMode>(c, src, dst);

    private static void Run<TMode>(byte c, ReadOnlySpan<byte> src, Span<byte> dst)
        where TMode : struct, IWriteMode
    {
        var matrix = GaloisField.AffineMatrices[c];
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var length = (nuint)src.Length;
        nuint i = 0;
        if (Wide)
        {
            var matrix512 = Vector512.Create(matrix).AsByte();
            for (; i + 64 <= length; i += 64)
            {
                var product = Gfni.V512.GaloisFieldAffineTransform(Vector512.LoadUnsafe(ref s, i), matrix512, 0);
                if (TMode.Accumulate)
                {
                    product ^= Vector512.LoadUnsafe(ref d, i);
                }

                product.StoreUnsafe(ref d, i);
            }
        }

        var matrix256 = Vector256.Create(matrix).AsByte();
        for (; i + 32 <= length; i += 32)
        {
            var product = Gfni.V256.GaloisFieldAffineTransform(Vector256.LoadUnsafe(ref s, i), matrix256, 0);
            if (TMode.Accumulate)
            {
                product ^= Vector256.LoadUnsafe(ref d, i);
            }

            product.StoreUnsafe(ref d, i);
        }

        ScalarTail<TMode>(c, src, dst, (int)i);
    }
}
