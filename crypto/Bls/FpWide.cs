// Design note: an unreduced double-width value (twelve 64-bit limbs, little-endian) such as the plain product of
// two Fp elements in Montgomery form. Sums and differences of such products are formed first and Montgomery-reduced
// once (Fp.Redc), which saves reductions in Fp2 multiplication ("lazy reduction"). Every value handed to Fp.Redc
// must stay below p * 2^384 so that one final subtraction gives a fully reduced result.
namespace Marketplace.Crypto.Bls;

/// <summary>A 768-bit unreduced product of field elements (limb W0 is the least significant).</summary>
internal readonly struct FpWide
{
    internal readonly ulong W0, W1, W2, W3, W4, W5, W6, W7, W8, W9, W10, W11;

    internal FpWide(
        ulong w0, ulong w1, ulong w2, ulong w3, ulong w4, ulong w5,
        ulong w6, ulong w7, ulong w8, ulong w9, ulong w10, ulong w11)
    {
        W0 = w0; W1 = w1; W2 = w2; W3 = w3; W4 = w4; W5 = w5;
        W6 = w6; W7 = w7; W8 = w8; W9 = w9; W10 = w10; W11 = w11;
    }
}
