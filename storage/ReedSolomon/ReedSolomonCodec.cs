using System.Buffers;
using Marketplace.Storage.ReedSolomon.Kernels;

namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// A systematic Reed-Solomon code over GF(2^8) with <see cref="DataShards"/> data shards and
/// <see cref="ParityShards"/> parity shards: the data shards are kept as they are, and any
/// <see cref="DataShards"/> of the <see cref="TotalShards"/> shards rebuild all the others.
/// </summary>
/// <remarks>
/// Shards are passed as one span of <see cref="Memory{T}"/> in shard order: data shards 0..k-1, then parity shards
/// k..k+m-1, all of the same length (any length, including odd ones). The field polynomial is 0x11D and the parity
/// rows of the encoding matrix form a Cauchy matrix (see the library README). An instance holds no mutable state: it
/// can be shared between threads, and its methods allocate nothing on the managed heap (scratch space is pooled).
/// </remarks>
public sealed class ReedSolomonCodec
{
    /// <summary>The largest number of shards, data plus parity, a codec can have.</summary>
    public const int MaxTotalShards = 255;

    // Coefficient matrices up to this size live on the stack while a rebuild runs.
    private const int StackMatrixBytes = 1024;

    private readonly byte[] _parityRows;
    private readonly RegionMultiplier _multiplier;

    private ReedSolomonCodec(int dataShards, int parityShards, RegionMultiplier multiplier)
    {
        DataShards = dataShards;
        ParityShards = parityShards;
        _multiplier = multiplier;
        _parityRows = GaloisMatrix.CauchyParityRows(dataShards, parityShards);
    }

    /// <summary>The number of data shards, k.</summary>
    public int DataShards { get; }

    /// <summary>The number of parity shards, m: up to m lost shards can be rebuilt.</summary>
    public int ParityShards { get; }

    /// <summary>k + m.</summary>
    public int TotalShards => DataShards + ParityShards;

    /// <summary>The kernel this codec runs (<see cref="GaloisKernel.Auto"/> resolved to a concrete kernel).</summary>
    public GaloisKernel Kernel => _multiplier.Kind;

    /// <summary>The kernel <see cref="GaloisKernel.Auto"/> selects on this processor.</summary>
    public static GaloisKernel FastestKernel => RegionMultiplier.Fastest;

    /// <summary>Whether this processor can run a kernel.</summary>
    public static bool IsKernelSupported(GaloisKernel kernel) => RegionMultiplier.IsSupported(kernel);

    /// <summary>Creates a codec for k data shards and m parity shards.</summary>
    /// <param name="dataShards">k, at least 1.</param>
    /// <param name="parityShards">m, at least 1, with k + m at most <see cref="MaxTotalShards"/>.</param>
    /// <param name="kernel">The region arithmetic to use; all kernels give identical bytes.</param>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.InvalidShardCounts"/> for counts out of range,
    /// <see cref="ErasureCodingError.KernelNotSupported"/> for a kernel this processor cannot run.
    /// </exception>
    public static ReedSolomonCodec Create(int dataShards, int parityShards, GaloisKernel kernel = GaloisKernel.Auto)
    {
        if (dataShards < 1 || parityShards < 1 || dataShards > MaxTotalShards - parityShards)
        {
            throw new ErasureCodingException(ErasureCodingError.InvalidShardCounts,
                $"Shard counts k = {dataShards}, m = {parityShards} are out of range: k >= 1, m >= 1 and k + m <= {MaxTotalShards}.");
        }

        return new ReedSolomonCodec(dataShards, parityShards, RegionMultiplier.For(kernel));
    }

    /// <summary>Computes the parity shards from the data shards and writes them in place.</summary>
    /// <param name="shards">k + m shards of equal length; the first k are read, the last m are overwritten.</param>
    /// <exception cref="ErasureCodingException">Wrong shard count or unequal lengths.</exception>
    public void Encode(ReadOnlySpan<Memory<byte>> shards)
    {
        var length = CheckShards(shards);
        Span<int> inputs = stackalloc int[DataShards];
        Span<int> outputs = stackalloc int[ParityShards];
        Sequence(inputs, 0);
        Sequence(outputs, DataShards);
        MultiplyRows(_parityRows, shards, inputs, outputs, length);
    }

    /// <summary>Whether the parity shards are exactly those the data shards encode to.</summary>
    /// <param name="shards">k + m shards of equal length; none is modified.</param>
    /// <exception cref="ErasureCodingException">Wrong shard count or unequal lengths.</exception>
    public bool Verify(ReadOnlySpan<Memory<byte>> shards)
    {
        var length = CheckShards(shards);
        var block = BlockSize(TotalShards);
        var scratch = ArrayPool<byte>.Shared.Rent(block);
        try
        {
            for (var start = 0; start < length; start += block)
            {
                var count = Math.Min(block, length - start);
                var expected = scratch.AsSpan(0, count);
                for (var p = 0; p < ParityShards; p++)
                {
                    var row = _parityRows.AsSpan(p * DataShards, DataShards);
                    _multiplier.Multiply(row[0], shards[0].Span.Slice(start, count), expected);
                    for (var j = 1; j < DataShards; j++)
                    {
                        _multiplier.MultiplyAdd(row[j], shards[j].Span.Slice(start, count), expected);
                    }

                    if (!expected.SequenceEqual(shards[DataShards + p].Span.Slice(start, count)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Rebuilds every missing shard, data and parity, in place from the present ones.</summary>
    /// <param name="shards">
    /// k + m buffers of equal length; those marked present hold their shard, the others are overwritten.
    /// </param>
    /// <param name="present">k + m flags, true where the shard's content is known.</param>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.NotEnoughShards"/> when fewer than k are present; wrong counts or lengths.
    /// </exception>
    public void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present) =>
        Reconstruct(shards, present, dataOnly: false);

    /// <summary>
    /// Rebuilds the missing data shards in place from the present ones; missing parity shards are left as they are
    /// (the cheaper call when only the original data is wanted).
    /// </summary>
    /// <param name="shards">k + m buffers of equal length; missing data shards are overwritten.</param>
    /// <param name="present">k + m flags, true where the shard's content is known.</param>
    /// <exception cref="ErasureCodingException">
    /// <see cref="ErasureCodingError.NotEnoughShards"/> when fewer than k are present; wrong counts or lengths.
    /// </exception>
    public void ReconstructData(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present) =>
        Reconstruct(shards, present, dataOnly: true);

    private void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, bool dataOnly)
    {
        var length = CheckShards(shards);
        if (present.Length != TotalShards)
        {
            throw new ErasureCodingException(ErasureCodingError.ShardCountMismatch,
                $"Expected {TotalShards} presence flags, got {present.Length}.");
        }

        var k = DataShards;
        Span<int> inputs = stackalloc int[k];
        Span<int> missing = stackalloc int[TotalShards];
        int inputCount = 0, missingData = 0, missingParity = 0;
        for (var i = 0; i < TotalShards; i++)
        {
            if (present[i])
            {
                if (inputCount < k)
                {
                    inputs[inputCount++] = i;
                }
            }
            else if (i < k)
            {
                missing[missingData++] = i;
            }
            else
            {
                missing[k + missingParity++] = i;
            }
        }

        if (inputCount < k)
        {
            throw new ErasureCodingException(ErasureCodingError.NotEnoughShards,
                $"{inputCount} of {TotalShards} shards are present; at least {k} are needed.");
        }

        if (missingData > 0)
        {
            RebuildData(shards, inputs, missing[..missingData], length);
        }

        if (!dataOnly && missingParity > 0)
        {
            var parityIndexes = missing.Slice(k, missingParity);
            byte[]? rented = null;
            var size = missingParity * k;
            var rows = size <= StackMatrixBytes ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size)).AsSpan(0, size);
            try
            {
                for (var r = 0; r < missingParity; r++)
                {
                    _parityRows.AsSpan((parityIndexes[r] - k) * k, k).CopyTo(rows.Slice(r * k, k));
                }

                Span<int> dataIndexes = stackalloc int[k];
                Sequence(dataIndexes, 0);
                MultiplyRows(rows, shards, dataIndexes, parityIndexes, length);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }

    // The k inputs pick k rows of the encoding matrix [I; C]; inverting that k x k submatrix gives, in its row j,
    // the coefficients that turn the inputs back into data shard j.
    private void RebuildData(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<int> inputs, ReadOnlySpan<int> missingData, int length)
    {
        var k = DataShards;
        var pool = ArrayPool<byte>.Shared;
        // Small codes (k * k up to StackMatrixBytes, e.g. 10 + 4) keep their matrices on the stack: the shared pool
        // drops idle arrays on a full collection, and renting them again would allocate on the hot path.
        byte[]? rentedMatrix = null, rentedInverse = null, rentedRows = null;
        var square = k * k;
        var rowBytes = missingData.Length * k;
        var sub = square <= StackMatrixBytes ? stackalloc byte[square] : (rentedMatrix = pool.Rent(square)).AsSpan(0, square);
        var inverse = square <= StackMatrixBytes ? stackalloc byte[square] : (rentedInverse = pool.Rent(square)).AsSpan(0, square);
        var rows = rowBytes <= StackMatrixBytes ? stackalloc byte[rowBytes] : (rentedRows = pool.Rent(rowBytes)).AsSpan(0, rowBytes);
        try
        {
            for (var r = 0; r < k; r++)
            {
                var row = sub.Slice(r * k, k);
                if (inputs[r] < k)
                {
                    row.Clear();
                    row[inputs[r]] = 1;
                }
                else
                {
                    _parityRows.AsSpan((inputs[r] - k) * k, k).CopyTo(row);
                }
            }

            if (!GaloisMatrix.TryInvert(sub, inverse, k))
            {
                // Unreachable for a Cauchy-based matrix: every k rows are independent.
                throw new InvalidOperationException("The decoding submatrix is singular.");
            }

            for (var r = 0; r < missingData.Length; r++)
            {
                inverse.Slice(missingData[r] * k, k).CopyTo(rows.Slice(r * k, k));
            }

            MultiplyRows(rows, shards, inputs, missingData, length);
        }
        finally
        {
            if (rentedMatrix is not null)
            {
                pool.Return(rentedMatrix);
            }

            if (rentedInverse is not null)
            {
                pool.Return(rentedInverse);
            }

            if (rentedRows is not null)
            {
                pool.Return(rentedRows);
            }
        }
    }

    // outputs[r] = sum over t of coefficients[r * inputs.Length + t] * inputs[t], column block by column block so the
    // blocks of every input and output stay in cache while each output block is accumulated.
    private void MultiplyRows(ReadOnlySpan<byte> coefficients, ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<int> inputs,
        ReadOnlySpan<int> outputs, int length)
    {
        var n = inputs.Length;
        var block = BlockSize(inputs.Length + outputs.Length);
        for (var start = 0; start < length; start += block)
        {
            var count = Math.Min(block, length - start);
            for (var r = 0; r < outputs.Length; r++)
            {
                var row = coefficients.Slice(r * n, n);
                var destination = shards[outputs[r]].Span.Slice(start, count);
                _multiplier.Multiply(row[0], shards[inputs[0]].Span.Slice(start, count), destination);
                for (var t = 1; t < n; t++)
                {
                    _multiplier.MultiplyAdd(row[t], shards[inputs[t]].Span.Slice(start, count), destination);
                }
            }
        }
    }

    // About 192 KiB of shard bytes per block (inputs and outputs), within 1 KiB..16 KiB per shard, a multiple of 64.
    internal static int BlockSize(int shardsTouched) => Math.Clamp((192 * 1024 / shardsTouched) & ~63, 1024, 16 * 1024);

    private int CheckShards(ReadOnlySpan<Memory<byte>> shards)
    {
        if (shards.Length != TotalShards)
        {
            throw new ErasureCodingException(ErasureCodingError.ShardCountMismatch,
                $"Expected {TotalShards} shards ({DataShards} data + {ParityShards} parity), got {shards.Length}.");
        }

        var length = shards[0].Length;
        for (var i = 1; i < shards.Length; i++)
        {
            if (shards[i].Length != length)
            {
                throw new ErasureCodingException(ErasureCodingError.ShardLengthMismatch,
                    $"Shard {i} has {shards[i].Length} bytes; shard 0 has {length}. All shards must have the same length.");
            }
        }

        return length;
    }

    private static void Sequence(Span<int> values, int first)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = first + i;
        }
    }
}
