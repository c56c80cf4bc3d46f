using Marketplace.Storage.ReedSolomon;
using Xunit;

namespace Marketplace.Storage.Tests;

public sealed class GaloisFieldTests
{
    // Carry-less multiplication reduced by x^8 + x^4 + x^3 + x^2 + 1, bit by bit: independent of the library's tables.
    private static byte ReferenceMultiply(int a, int b)
    {
        var product = 0;
        for (var bit = 0; bit < 8; bit++)
        {
            if (((b >> bit) & 1) != 0)
            {
                product ^= a << bit;
            }
        }

        for (var bit = 15; bit >= 8; bit--)
        {
            if (((product >> bit) & 1) != 0)
            {
                product ^= 0x11D << (bit - 8);
            }
        }

        return (byte)product;
    }

    [Fact]
    public void Every_product_matches_the_polynomial_0x11D()
    {
        for (var a = 0; a < 256; a++)
        {
            for (var b = 0; b < 256; b++)
            {
                Assert.Equal(ReferenceMultiply(a, b), GaloisField.Multiply((byte)a, (byte)b));
            }
        }
    }

    [Fact]
    public void Every_non_zero_element_has_an_inverse_and_zero_has_none()
    {
        for (var a = 1; a < 256; a++)
        {
            Assert.Equal(1, GaloisField.Multiply((byte)a, GaloisField.Inverse((byte)a)));
        }

        Assert.Throws<DivideByZeroException>(() => GaloisField.Inverse(0));
    }

    [Fact]
    public void Nibble_tables_and_affine_matrices_reproduce_every_product()
    {
        for (var c = 0; c < 256; c++)
        {
            for (var x = 0; x < 256; x++)
            {
                var viaNibbles = GaloisField.NibbleTables[(c * 32) + (x & 15)] ^ GaloisField.NibbleTables[(c * 32) + 16 + (x >> 4)];
                Assert.Equal(ReferenceMultiply(c, x), viaNibbles);

                // The affine transform: output bit i is the parity of x AND the matrix byte at position 7 - i.
                var matrix = GaloisField.AffineMatrices[c];
                var viaMatrix = 0;
                for (var i = 0; i < 8; i++)
                {
                    var row = (int)((matrix >> (8 * (7 - i))) & 0xFF);
                    viaMatrix |= (int.PopCount(row & x) & 1) << i;
                }

                Assert.Equal(ReferenceMultiply(c, x), viaMatrix);
            }
        }
    }

    [Fact]
    public void Inverting_a_matrix_and_multiplying_back_gives_the_identity()
    {
        var seed = TestRandom.Seed(4242);
        var random = new Random(seed);
        for (var round = 0; round < 50; round++)
        {
            var n = random.Next(1, 30);
            var original = TestRandom.Bytes(random, n * n);
            var work = (byte[])original.Clone();
            var inverse = new byte[n * n];
            if (!GaloisMatrix.TryInvert(work, inverse, n))
            {
                continue; // a random singular matrix: nothing to check
            }

            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    byte sum = 0;
                    for (var t = 0; t < n; t++)
                    {
                        sum ^= GaloisField.Multiply(original[(i * n) + t], inverse[(t * n) + j]);
                    }

                    Assert.True(sum == (i == j ? 1 : 0), $"seed {seed}, round {round}: (A * A^-1)[{i},{j}] = {sum}");
                }
            }
        }
    }

    [Fact]
    public void A_singular_matrix_is_reported()
    {
        byte[] matrix = [1, 2, 3, 2, 4, 6, 0, 0, 1]; // row 1 = 2 * row 0 in GF(2^8)
        Assert.Equal(GaloisField.Multiply(2, 3), matrix[5]);
        Assert.False(GaloisMatrix.TryInvert(matrix, new byte[9], 3));
    }
}
