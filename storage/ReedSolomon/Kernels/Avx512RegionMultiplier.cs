using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Marketplace.Storage.ReedSolomon.Kernels;

/// <summary>
/// Split-nibble lookups, 64 bytes at a time: the AVX-512BW VPSHUFB looks up within each of four 128-bit lanes, so
/// the coefficient's 16-byte tables are broadcast to every lane.
/// </summary>
internal sealed class Avx512RegionMultiplier : RegionMultiplier
{
    public override GaloisKernel Kind => GaloisKernel.Avx512;

    protected override void MultiplyCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<OverwriteMode>(c, src, dst);

    protected override void MultiplyAddCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<AccumulateMode>(c, src, dst);

    private static void Run<TMode>(byte c, ReadOnlySpan<byte> src, Span<byte> dst)
        where TMode : struct, IWriteMode
    {
        ref var tables = ref GaloisField.NibbleTables[c * 32];
        var low = Vector512.Create(Vector256.Create(Vector128.LoadUnsafe(ref tables)));
        var high = Vector512.Create(Vector256.Create(Vector128.LoadUnsafe(ref tables, 16)));
        var mask = Vector512.Create((byte)0x0F);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var length = (nuint)src.Length;
        nuint i = 0;
        for (; i + 64 <= length; i += 64)
        {
            var x = Vector512.LoadUnsafe(ref s, i);
            var product = Avx512BW.Shuffle(low, x & mask) ^ Avx512BW.Shuffle(high, Vector512.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask);
            if (TMode.Accumulate)
            {
                product ^= Vector512.LoadUnsafe(ref d, i);
            }

            product.StoreUnsafe(ref d, i);
        }

        ScalarTail<TMode>(c, src, dst, (int)i);
    }
}
