// Design note: the entry points of the generated x86-64 field kernels, and the switch between them and the managed
// field code. The kernels are emitted and mapped once, at first use; when the processor lacks MULX/ADX, the OS is
// not Linux, or mapping fails, Available stays false, Status says why, and the managed code runs (same results,
// about four times slower per multiplication). MARKETPLACE_BLS_KERNELS=managed turns the kernels off for a process;
// tests flip Enabled to run the vectors on both paths. The Fp, Fp2 and G1 kernels (well under a microsecond each)
// are called with the GC transition suppressed: they never block and never call back into the runtime. The longer
// ones (Fp6 and Fp12 products, the Miller step, G2 point operations, 1-15 microseconds) keep the normal transition so
// that a garbage collection never waits for them; its ~20 ns is below 2 % of their time. Either way every operand is
// pinned by the caller (fixed) or lives on its stack.
namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>Function pointers to the generated field kernels, and whether they are in use.</summary>
internal static unsafe class FieldKernels
{
    /// <summary>
    /// Environment variable: <c>managed</c> forces the managed field code; <see cref="SkipCpuCheck"/> loads the kernels
    /// without asking CPUID for ADX, for instruction counting under valgrind (which runs ADCX/ADOX but hides ADX from
    /// CPUID). On a processor without ADX that ends the process with an illegal instruction: a diagnostic setting only.
    /// </summary>
    internal const string SelectionVariable = "MARKETPLACE_BLS_KERNELS";

    /// <summary><see cref="Status"/> while the kernels run.</summary>
    private const string KernelsStatus = "x86-64 BMI2/ADX field kernels";

    /// <summary>The <see cref="SelectionVariable"/> value that skips the CPUID check (valgrind only).</summary>
    internal const string SkipCpuCheck = "kernels-without-cpuid-check";

    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, Fp*, void> FpMul;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, void> FpSquare;
    internal static readonly delegate* unmanaged<Fp*, Fp*, ulong*, ulong, void> FpPow;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, Fp*, void> FpAdd;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, Fp*, void> FpSub;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp2*, void> Fp2Mul;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, void> Fp2Square;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp2*, void> Fp2Add;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp2*, void> Fp2Sub;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, void> Fp2Double;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, void> Fp2MulByXi;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp*, void> Fp2MulByFp;
    internal static readonly delegate* unmanaged<Fp6*, Fp6*, Fp6*, void> Fp6Mul;
    internal static readonly delegate* unmanaged<Fp12*, Fp12*, Fp12*, void> Fp12Mul;
    internal static readonly delegate* unmanaged<Fp12*, Fp12*, void> Fp12Square;
    internal static readonly delegate* unmanaged<Fp12*, Fp12*, void> Fp12CyclotomicSquare;
    internal static readonly delegate* unmanaged<Fp12*, Fp12*, void> Fp12CompressedSquare;
    internal static readonly delegate* unmanaged<Fp12*, Fp12*, Fp2*, Fp2*, Fp2*, void> Fp12MulByLine;
    internal static readonly delegate* unmanaged<ProjectivePoint<Fp2>*, Fp6*, Fp*, Fp*, void> MillerDoublingStep;
    internal static readonly delegate* unmanaged<JacobianPoint<Fp2>*, JacobianPoint<Fp2>*, void> G2JacobianDouble;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<ProjectivePoint<Fp>*, ProjectivePoint<Fp>*, ProjectivePoint<Fp>*, void> G1Add;
    internal static readonly delegate* unmanaged[SuppressGCTransition]<ProjectivePoint<Fp>*, ProjectivePoint<Fp>*, void> G1Double;
    internal static readonly delegate* unmanaged<ProjectivePoint<Fp2>*, ProjectivePoint<Fp2>*, ProjectivePoint<Fp2>*, void> G2Add;
    internal static readonly delegate* unmanaged<ProjectivePoint<Fp2>*, ProjectivePoint<Fp2>*, void> G2Double;

    private static bool _enabled;

    static FieldKernels()
    {
        string? selection = Environment.GetEnvironmentVariable(SelectionVariable);
        bool skipCpuCheck = string.Equals(selection, SkipCpuCheck, StringComparison.OrdinalIgnoreCase);
        if (!CpuFeatures.HasMulxAndAdx() && !(skipCpuCheck && CpuFeatures.IsX64))
        {
            Status = "managed field code (the processor lacks x86-64 BMI2/ADX)";
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            Status = "managed field code (the generated kernels are mapped on Linux only)";
            return;
        }

        // Emitting is deterministic: a defect there must fail loudly, so only the mapping may fall back.
        GeneratedKernels generated = FieldKernelEmitter.Emit();
        IntPtr code;
        try
        {
            code = ExecutableMemory.Load(generated.Code);
        }
        catch (ExecutableMemoryException e)
        {
            Status = "managed field code (" + e.Message + ")";
            return;
        }

        byte* b = (byte*)code;
        int[] entries = generated.Entries;
        void* At(FieldKernel k) => b + entries[(int)k];
        FpMul = (delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, Fp*, void>)At(FieldKernel.FpMul);
        FpSquare = (delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, void>)At(FieldKernel.FpSquare);
        FpPow = (delegate* unmanaged<Fp*, Fp*, ulong*, ulong, void>)At(FieldKernel.FpPow);
        FpAdd = (delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, Fp*, void>)At(FieldKernel.FpAdd);
        FpSub = (delegate* unmanaged[SuppressGCTransition]<Fp*, Fp*, Fp*, void>)At(FieldKernel.FpSub);
        Fp2Mul = (delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp2*, void>)At(FieldKernel.Fp2Mul);
        Fp2Square = (delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, void>)At(FieldKernel.Fp2Square);
        Fp2Add = (delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp2*, void>)At(FieldKernel.Fp2Add);
        Fp2Sub = (delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp2*, void>)At(FieldKernel.Fp2Sub);
        Fp2Double = (delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, void>)At(FieldKernel.Fp2Double);
        Fp2MulByXi = (delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, void>)At(FieldKernel.Fp2MulByXi);
        Fp2MulByFp = (delegate* unmanaged[SuppressGCTransition]<Fp2*, Fp2*, Fp*, void>)At(FieldKernel.Fp2MulByFp);
        Fp6Mul = (delegate* unmanaged<Fp6*, Fp6*, Fp6*, void>)At(FieldKernel.Fp6Mul);
        Fp12Mul = (delegate* unmanaged<Fp12*, Fp12*, Fp12*, void>)At(FieldKernel.Fp12Mul);
        Fp12Square = (delegate* unmanaged<Fp12*, Fp12*, void>)At(FieldKernel.Fp12Square);
        Fp12CyclotomicSquare = (delegate* unmanaged<Fp12*, Fp12*, void>)At(FieldKernel.Fp12CyclotomicSquare);
        Fp12CompressedSquare = (delegate* unmanaged<Fp12*, Fp12*, void>)At(FieldKernel.Fp12CompressedSquare);
        MillerDoublingStep = (delegate* unmanaged<ProjectivePoint<Fp2>*, Fp6*, Fp*, Fp*, void>)At(FieldKernel.MillerDoublingStep);
        G2JacobianDouble = (delegate* unmanaged<JacobianPoint<Fp2>*, JacobianPoint<Fp2>*, void>)At(FieldKernel.G2JacobianDouble);
        G1Add = (delegate* unmanaged[SuppressGCTransition]<ProjectivePoint<Fp>*, ProjectivePoint<Fp>*, ProjectivePoint<Fp>*, void>)At(FieldKernel.G1Add);
        G1Double = (delegate* unmanaged[SuppressGCTransition]<ProjectivePoint<Fp>*, ProjectivePoint<Fp>*, void>)At(FieldKernel.G1Double);
        G2Add = (delegate* unmanaged<ProjectivePoint<Fp2>*, ProjectivePoint<Fp2>*, ProjectivePoint<Fp2>*, void>)At(FieldKernel.G2Add);
        G2Double = (delegate* unmanaged<ProjectivePoint<Fp2>*, ProjectivePoint<Fp2>*, void>)At(FieldKernel.G2Double);
        Fp12MulByLine = (delegate* unmanaged<Fp12*, Fp12*, Fp2*, Fp2*, Fp2*, void>)At(FieldKernel.Fp12MulByLine);
        CodeAddress = code;
        Available = true;
        _enabled = !string.Equals(selection, "managed", StringComparison.OrdinalIgnoreCase);
        Status = _enabled
            ? KernelsStatus
            : $"managed field code ({SelectionVariable}=managed)";
        if (PerfMap.Announce(code, generated.Symbols) is { } problem)
        {
            Status += "; " + problem;
        }
    }

    /// <summary>Start of the mapped kernel code (zero when unavailable).</summary>
    internal static IntPtr CodeAddress { get; }

    /// <summary>True when the kernels were generated and mapped on this machine.</summary>
    internal static bool Available { get; }

    /// <summary>Which field code runs, and why.</summary>
    internal static string Status { get; private set; }

    /// <summary>True when field operations go to the kernels; settable (tests) only where they are available.</summary>
    internal static bool Enabled
    {
        get => _enabled;
        set
        {
            if (value && !Available)
            {
                throw new InvalidOperationException("the field kernels are not available: " + Status);
            }

            _enabled = value;
            Status = value ? KernelsStatus : "managed field code (switched off)";
        }
    }
}
