namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// Arithmetic in GF(2^8) built on the irreducible polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), for which x (the
/// element 2) generates the multiplicative group. Addition is XOR. The tables the region kernels use are built once:
/// the full 256 x 256 product table (scalar kernel), the split-nibble tables (shuffle kernels) and the 8 x 8 bit
/// matrices of "multiply by c" (GFNI affine kernel).
/// </summary>
internal static class GaloisField
{
    /// <summary>The field polynomial with its x^8 term.</summary>
    public const int Polynomial = 0x11D;

    // Exp has 512 entries so Exp[Log[a] + Log[b]] needs no reduction modulo 255.
    private static readonly byte[] Exp = new byte[512];
    private static readonly byte[] Log = new byte[256];

    /// <summary>Row c holds c * x for every x: the product of a and b is at [a * 256 + b].</summary>
    internal static readonly byte[] ProductTable = new byte[256 * 256];

    /// <summary>
    /// 32 bytes per coefficient c: bytes 0..15 hold c * n for the low nibble n, bytes 16..31 hold c * (n &lt;&lt; 4)
    /// for the high nibble n. c * x is the XOR of the two lookups because multiplication distributes over XOR.
    /// </summary>
    internal static readonly byte[] NibbleTables = new byte[256 * 32];

    /// <summary>
    /// For each coefficient c, the 8 x 8 matrix over GF(2) of x -> c * x in the layout GF2P8AFFINEQB reads: the byte at
    /// position 7 - i of the quadword is the row of output bit i (bit j set when bit i of c * 2^j is set).
    /// </summary>
    internal static readonly ulong[] AffineMatrices = new ulong[256];

    static GaloisField()
    {
        var value = 1;
        for (var power = 0; power < 255; power++)
        {
            Exp[power] = (byte)value;
            Log[value] = (byte)power;
            value <<= 1;
            if (value >= 256)
            {
                value ^= Polynomial;
            }
        }

        for (var power = 255; power < Exp.Length; power++)
        {
            Exp[power] = Exp[power - 255];
        }

        for (var a = 0; a < 256; a++)
        {
            for (var b = 0; b < 256; b++)
            {
                ProductTable[(a << 8) | b] = MultiplySlow((byte)a, (byte)b);
            }

            for (var n = 0; n < 16; n++)
            {
                NibbleTables[(a * 32) + n] = ProductTable[(a << 8) | n];
                NibbleTables[(a * 32) + 16 + n] = ProductTable[(a << 8) | (n << 4)];
            }

            ulong matrix = 0;
            for (var outputBit = 0; outputBit < 8; outputBit++)
            {
                var row = 0;
                for (var inputBit = 0; inputBit < 8; inputBit++)
                {
                    if (((ProductTable[(a << 8) | (1 << inputBit)] >> outputBit) & 1) != 0)
                    {
                        row |= 1 << inputBit;
                    }
                }

                matrix |= (ulong)row << (8 * (7 - outputBit));
            }

            AffineMatrices[a] = matrix;
        }
    }

    /// <summary>a * b in the field.</summary>
    public static byte Multiply(byte a, byte b) => ProductTable[(a << 8) | b];

    /// <summary>The multiplicative inverse of a non-zero element.</summary>
    public static byte Inverse(byte a)
    {
        if (a == 0)
        {
            throw new DivideByZeroException("0 has no inverse in GF(2^8).");
        }

        return Exp[255 - Log[a]];
    }

    private static byte MultiplySlow(byte a, byte b) => a == 0 || b == 0 ? (byte)0 : Exp[Log[a] + Log[b]];
}
