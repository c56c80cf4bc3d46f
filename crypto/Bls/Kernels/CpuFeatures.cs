using System.Runtime.Intrinsics.X86;

namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>What the processor offers the field kernels.</summary>
internal static class CpuFeatures
{
    /// <summary>True on x86-64 (where the kernels' encoding applies at all).</summary>
    internal static bool IsX64 => X86Base.X64.IsSupported;

    /// <summary>
    /// True on x86-64 with BMI2 (MULX) and ADX (ADCX/ADOX). .NET exposes BMI2 but not ADX, so ADX is read from
    /// CPUID leaf 7 (EBX bit 19) directly.
    /// </summary>
    internal static bool HasMulxAndAdx()
    {
        if (!X86Base.X64.IsSupported || !Bmi2.X64.IsSupported)
        {
            return false;
        }

        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7)
        {
            return false;
        }

        var (_, ebx, _, _) = X86Base.CpuId(7, 0);
        return (ebx & (1 << 19)) != 0;
    }
}
