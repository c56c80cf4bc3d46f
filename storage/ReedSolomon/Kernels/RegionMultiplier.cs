using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Marketplace.Storage.ReedSolomon.Kernels;

/// <summary>
/// Region arithmetic over GF(2^8): "dst = c * src" and "dst ^= c * src" for a constant c, byte by byte. One
/// instance per <see cref="GaloisKernel"/>; instances hold no state and are shared. The coefficients 0 and 1 are
/// a clear, copy or XOR in every kernel; other coefficients go to the kernel's own loop.
/// </summary>
internal abstract class RegionMultiplier
{
    private static readonly RegionMultiplier Scalar = new ScalarRegionMultiplier();
    private static readonly RegionMultiplier? Ssse3Kernel = Ssse3.IsSupported ? new Ssse3RegionMultiplier() : null;
    private static readonly RegionMultiplier? Avx2Kernel = Avx2.IsSupported ? new Avx2RegionMultiplier() : null;
    private static readonly RegionMultiplier? Avx512Kernel = Avx512BW.IsSupported ? new Avx512RegionMultiplier() : null;
    private static readonly RegionMultiplier? GfniKernel = Gfni.V256.IsSupported ? new GfniRegionMultiplier() : null;

    /// <summary>Which kernel this is.</summary>
    public abstract GaloisKernel Kind { get; }

    /// <summary>The kernel <see cref="GaloisKernel.Auto"/> stands for on this processor.</summary>
    public static GaloisKernel Fastest
    {
        get
        {
            if (GfniKernel is not null)
            {
                return GaloisKernel.Gfni;
            }

            // 512-bit registers only where the runtime judges them worth it (no heavy down-clocking).
            if (Avx512Kernel is not null && Vector512.IsHardwareAccelerated)
            {
                return GaloisKernel.Avx512;
            }

            return Avx2Kernel is not null ? GaloisKernel.Avx2 : Ssse3Kernel is not null ? GaloisKernel.Ssse3 : GaloisKernel.Scalar;
        }
    }

    /// <summary>Whether this processor can run the kernel.</summary>
    public static bool IsSupported(GaloisKernel kernel) => kernel switch
    {
        GaloisKernel.Auto or GaloisKernel.Scalar => true,
        GaloisKernel.Ssse3 => Ssse3Kernel is not null,
        GaloisKernel.Avx2 => Avx2Kernel is not null,
        GaloisKernel.Avx512 => Avx512Kernel is not null,
        GaloisKernel.Gfni => GfniKernel is not null,
        _ => false,
    };

    /// <summary>The shared instance of a kernel; <see cref="GaloisKernel.Auto"/> resolves to <see cref="Fastest"/>.</summary>
    public static RegionMultiplier For(GaloisKernel kernel)
    {
        var resolved = kernel == GaloisKernel.Auto ? Fastest : kernel;
        var instance = resolved switch
        {
            GaloisKernel.Scalar => Scalar,
            GaloisKernel.Ssse3 => Ssse3Kernel,
            GaloisKernel.Avx2 => Avx2Kernel,
            GaloisKernel.Avx512 => Avx512Kernel,
            GaloisKernel.Gfni => GfniKernel,
            _ => null,
        };
        return instance ?? throw new ErasureCodingException(ErasureCodingError.KernelNotSupported,
            $"The {kernel} kernel is not supported on this processor (or is not a kernel).");
    }

    /// <summary>dst = c * src. The spans have the same length.</summary>
    public void Multiply(byte c, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        switch (c)
        {
            case 0:
                dst.Clear();
                break;
            case 1:
                src.CopyTo(dst);
                break;
            default:
                MultiplyCore(c, src, dst);
                break;
        }
    }

    /// <summary>dst ^= c * src. The spans have the same length.</summary>
    public void MultiplyAdd(byte c, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        switch (c)
        {
            case 0:
                break;
            case 1:
                Xor(src, dst);
                break;
            default:
                MultiplyAddCore(c, src, dst);
                break;
        }
    }

    /// <summary>dst = c * src for c of 2 or more.</summary>
    protected abstract void MultiplyCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst);

    /// <summary>dst ^= c * src for c of 2 or more.</summary>
    protected abstract void MultiplyAddCore(byte c, ReadOnlySpan<byte> src, Span<byte> dst);

    /// <summary>The scalar loop from byte <paramref name="start"/> on; the vector kernels finish their tails with it.</summary>
    protected static void ScalarTail<TMode>(byte c, ReadOnlySpan<byte> src, Span<byte> dst, int start)
        where TMode : struct, IWriteMode
    {
        ref var row = ref GaloisField.ProductTable[c << 8];
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        for (var i = start; i < src.Length; i++)
        {
            var product = Unsafe.Add(ref row, Unsafe.Add(ref s, i));
            Unsafe.Add(ref d, i) = TMode.Accumulate ? (byte)(Unsafe.Add(ref d, i) ^ product) : product;
        }
    }

    private static void Xor(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= src.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                var x = Vector.LoadUnsafe(ref s, (nuint)i) ^ Vector.LoadUnsafe(ref d, (nuint)i);
                x.StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < src.Length; i++)
        {
            Unsafe.Add(ref d, i) ^= Unsafe.Add(ref s, i);
        }
    }
}
