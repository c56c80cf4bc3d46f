namespace Marketplace.Storage.ReedSolomon;

/// <summary>Matrices over GF(2^8), stored row-major in byte spans.</summary>
internal static class GaloisMatrix
{
    /// <summary>
    /// The parity rows of the systematic encoding matrix: a Cauchy matrix with entry (i, j) = 1 / (x_i + y_j), where
    /// y_j = j for the data shards 0..k-1 and x_i = k + i for the parity shards. The x and y values are distinct
    /// field elements, so every denominator is non-zero, and every square submatrix of a Cauchy matrix is
    /// invertible; stacked under the k x k identity, any k of the k + m rows are therefore independent.
    /// </summary>
    public static byte[] CauchyParityRows(int dataShards, int parityShards)
    {
        var rows = new byte[parityShards * dataShards];
        for (var i = 0; i < parityShards; i++)
        {
            for (var j = 0; j < dataShards; j++)
            {
                rows[(i * dataShards) + j] = GaloisField.Inverse((byte)((dataShards + i) ^ j));
            }
        }

        return rows;
    }

    /// <summary>
    /// Inverts the n x n matrix in <paramref name="matrix"/> (destroyed) into <paramref name="inverse"/> by Gauss-Jordan
    /// elimination. Returns false when the matrix is singular.
    /// </summary>
    public static bool TryInvert(Span<byte> matrix, Span<byte> inverse, int n)
    {
        inverse[..(n * n)].Clear();
        for (var i = 0; i < n; i++)
        {
            inverse[(i * n) + i] = 1;
        }

        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            while (pivot < n && matrix[(pivot * n) + column] == 0)
            {
                pivot++;
            }

            if (pivot == n)
            {
                return false;
            }

            if (pivot != column)
            {
                SwapRows(matrix, n, pivot, column);
                SwapRows(inverse, n, pivot, column);
            }

            var scale = GaloisField.Inverse(matrix[(column * n) + column]);
            ScaleRow(matrix.Slice(column * n, n), scale);
            ScaleRow(inverse.Slice(column * n, n), scale);
            for (var row = 0; row < n; row++)
            {
                var factor = matrix[(row * n) + column];
                if (row != column && factor != 0)
                {
                    AddScaledRow(matrix.Slice(row * n, n), matrix.Slice(column * n, n), factor);
                    AddScaledRow(inverse.Slice(row * n, n), inverse.Slice(column * n, n), factor);
                }
            }
        }

        return true;
    }

    private static void SwapRows(Span<byte> matrix, int n, int a, int b)
    {
        for (var j = 0; j < n; j++)
        {
            (matrix[(a * n) + j], matrix[(b * n) + j]) = (matrix[(b * n) + j], matrix[(a * n) + j]);
        }
    }

    private static void ScaleRow(Span<byte> row, byte scale)
    {
        for (var j = 0; j < row.Length; j++)
        {
            row[j] = GaloisField.Multiply(row[j], scale);
        }
    }

    private static void AddScaledRow(Span<byte> target, ReadOnlySpan<byte> source, byte factor)
    {
        for (var j = 0; j < target.Length; j++)
        {
            target[j] ^= GaloisField.Multiply(source[j], factor);
        }
    }
}
