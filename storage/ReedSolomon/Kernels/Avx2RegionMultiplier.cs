using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Marketplace.Storage.ReedSolomon.Kernels;

/// <summary>
/// Split-nibble lookups, 64 bytes per iteration in two 32-byte registers: VPSHUFB looks up within each 128-bit lane,
/// so the coefficient's 16-byte low and high tables are broadcast to both lanes.
/// </summary>
internal sealed class Avx2RegionMultiplier : RegionMultiplier
{
    public override GaloisKernel Kind => GaloisKernel.Avx2;

    protected override void MultiplyCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<OverwriteMode>(c, src, dst);

    protected override void MultiplyAddCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<AccumulateMode>(c, src, dst);

    private static void Run<TMode>(byte c, ReadOnlySpan<byte> src, Span<byte> dst)
        where TMode : struct, IWriteMode
    {
        ref var tables = ref GaloisField.NibbleTables[c * 32];
        var low = Vector256.Create(Vector128.LoadUnsafe(ref tables));
        var high = Vector256.Create(Vector128.LoadUnsafe(ref tables, 16));
        var mask = Vector256.Create((byte)0x0F);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var length = (nuint)src.Length;
        nuint i = 0;
        for (; i + 64 <= length; i += 64)
        {
            var x0 = Vector256.LoadUnsafe(ref s, i);
            var x1 = Vector256.LoadUnsafe(ref s, i + 32);
            var p0 = Avx2.Shuffle(low, x0 & mask) ^ Avx2.Shuffle(high, Vector256.ShiftRightLogical(x0.AsUInt16(), 4).AsByte() & mask);
            var p1 = Avx2.Shuffle(low, x1 & mask) ^ Avx2.Shuffle(high, Vector256.ShiftRightLogical(x1.AsUInt16(), 4).AsByte() & mask);
            if (TMode.Accumulate)
            {
                p0 ^= Vector256.LoadUnsafe(ref d, i);
                p1 ^= Vector256.LoadUnsafe(ref d, i + 32);
            }

            p0.StoreUnsafe(ref d, i);
            p1.StoreUnsafe(ref d, i + 32);
        }

        for (; i + 32 <= length; i += 32)
        {
            var x = Vector256.LoadUnsafe(ref s, i);
            var product = Avx2.Shuffle(low, x & mask) ^ Avx2.Shuffle(high, Vector256.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask);
            if (TMode.Accumulate)
            {
                product ^= Vector256.LoadUnsafe(ref d, i);
            }

            product.StoreUnsafe(ref d, i);
        }

        ScalarTail<TMode>(c, src, dst, (int)i);
    }
}
