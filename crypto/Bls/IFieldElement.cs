namespace Marketplace.Crypto.Bls;

/// <summary>
/// The operations the generic projective-point code needs from its coordinate field (Fp for G1, Fp2 for G2).
/// Implemented by value types so the JIT specialises every use; no boxing, no virtual calls.
/// </summary>
internal interface IFieldElement<T>
    where T : struct, IFieldElement<T>
{
    static abstract T Zero { get; }

    static abstract T One { get; }

    bool IsZero { get; }

    /// <summary>All-ones when zero, else zero, without branching.</summary>
    ulong IsZeroMask();

    static abstract T Add(in T a, in T b);

    static abstract T Sub(in T a, in T b);

    static abstract T Neg(in T a);

    static abstract T Double(in T a);

    static abstract T Mul(in T a, in T b);

    static abstract T Square(in T a);

    static abstract bool Equal(in T a, in T b);

    /// <summary>b when mask is all-ones, a when it is zero (branch-free).</summary>
    static abstract T Select(in T a, in T b, ulong mask);

    /// <summary>Multiplies by 3b where b is the constant of the curve over this field (E: 4, E': 4(1+u)).</summary>
    static abstract T MulByCurveB3(in T a);

    /// <summary>Multiplicative inverse by Fermat (constant time); zero maps to zero.</summary>
    static abstract T Inverse(in T a);

    /// <summary>Multiplicative inverse of a public value (variable time); zero maps to zero.</summary>
    static abstract T InversePublic(in T a);
}
