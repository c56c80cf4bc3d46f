namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>The generated routines, in the order of <see cref="FieldKernels"/>' entry table.</summary>
internal enum FieldKernel
{
    FpMul,
    FpSquare,
    FpAdd,
    FpSub,
    Fp2Mul,
    Fp2Square,
    Fp2Add,
    Fp2Sub,
    Fp2Double,
    Fp2MulByXi,
    Fp2MulByFp,
    Fp6Mul,
    Fp12Mul,
    Fp12Square,
    Fp12CyclotomicSquare,
    Fp12CompressedSquare,
    Fp12MulByLine,
    MillerDoublingStep,
    G2JacobianDouble,
    G1Add,
    G1Double,
    G2Add,
    G2Double,
    FpPow,
    Count,
}
