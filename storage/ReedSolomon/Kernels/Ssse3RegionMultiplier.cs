using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Marketplace.Storage.ReedSolomon.Kernels;

/// <summary>
/// Split-nibble lookups, 16 bytes at a time: PSHUFB looks each low nibble up in the coefficient's 16-entry low
/// table and each high nibble in its high table; the XOR of the two lookups is the product.
/// </summary>
internal sealed class Ssse3RegionMultiplier : RegionMultiplier
{
    public override GaloisKernel Kind => GaloisKernel.Ssse3;

    protected override void MultiplyCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<OverwriteMode>(c, src, dst);

    protected override void MultiplyAddCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst) => Run<AccumulateMode>(c, src, dst);

    private static void Run<TMode>(byte c, ReadOnlySpan<byte> src, Span<byte> dst)
        where TMode : struct, IWriteMode
    {
        ref var tables = ref GaloisField.NibbleTables[c * 32];
        var low = Vector128.LoadUnsafe(ref tables);
        var high = Vector128.LoadUnsafe(ref tables, 16);
        var mask = Vector128.Create((byte)0x0F);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var length = (nuint)src.Length;
        nuint i = 0;
        for (; i + 16 <= length; i += 16)
        {
            var x = Vector128.LoadUnsafe(ref s, i);
            var product = Ssse3.Shuffle(low, x & mask) ^ Ssse3.Shuffle(high, Vector128.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask);
            if (TMode.Accumulate)
            {
                product ^= Vector128.LoadUnsafe(ref d, i);
            }

            product.StoreUnsafe(ref d, i);
        }

        ScalarTail<TMode>(c, src, dst, (int)i);
    }
}
