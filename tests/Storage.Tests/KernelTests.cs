using Marketplace.Storage.ReedSolomon;
using Marketplace.Storage.ReedSolomon.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Storage.Tests;

public sealed class KernelTests(ITestOutputHelper output)
{
    // The vector kernels this processor runs (all four on the project's x86-64 machines). Where none runs, the scalar
    // kernel stands in so the comparisons still run (against themselves).
    public static TheoryData<GaloisKernel> VectorKernels
    {
        get
        {
            var kernels = new TheoryData<GaloisKernel>();
            foreach (var kernel in new[] { GaloisKernel.Ssse3, GaloisKernel.Avx2, GaloisKernel.Avx512, GaloisKernel.Gfni })
            {
                if (RegionMultiplier.IsSupported(kernel))
                {
                    kernels.Add(kernel);
                }
            }

            return kernels.Count > 0 ? kernels : [GaloisKernel.Scalar];
        }
    }

    [Theory]
    [MemberData(nameof(VectorKernels))]
    public void Vector_kernels_give_the_scalar_bytes_for_every_coefficient_and_odd_lengths(GaloisKernel kernel)
    {
        var seed = TestRandom.Seed(1001 + (int)kernel);
        output.WriteLine($"seed {seed}, kernel {kernel}");
        var random = new Random(seed);
        var scalar = RegionMultiplier.For(GaloisKernel.Scalar);
        var vector = RegionMultiplier.For(kernel);
        Assert.Equal(kernel, vector.Kind);
        int[] lengths = [0, 1, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 1000, 4099, 65_537];
        for (var c = 0; c < 256; c++)
        {
            var length = lengths[c % lengths.Length];
            var src = TestRandom.Bytes(random, length);
            var start = TestRandom.Bytes(random, length);
            var expected = (byte[])start.Clone();
            var actual = (byte[])start.Clone();
            scalar.Multiply((byte)c, src, expected);
            vector.Multiply((byte)c, src, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"seed {seed}: {kernel} Multiply by {c}, length {length}");

            expected = (byte[])start.Clone();
            actual = (byte[])start.Clone();
            scalar.MultiplyAdd((byte)c, src, expected);
            vector.MultiplyAdd((byte)c, src, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"seed {seed}: {kernel} MultiplyAdd by {c}, length {length}");
        }
    }

    [Fact]
    public void The_scalar_kernel_multiplies_by_the_field_table()
    {
        var scalar = RegionMultiplier.For(GaloisKernel.Scalar);
        var src = new byte[256];
        for (var x = 0; x < 256; x++)
        {
            src[x] = (byte)x;
        }

        var dst = new byte[256];
        for (var c = 0; c < 256; c++)
        {
            scalar.Multiply((byte)c, src, dst);
            for (var x = 0; x < 256; x++)
            {
                Assert.Equal(GaloisField.Multiply((byte)c, (byte)x), dst[x]);
            }
        }
    }

    [Fact]
    public void Auto_is_a_supported_concrete_kernel()
    {
        var fastest = ReedSolomonCodec.FastestKernel;
        output.WriteLine($"fastest kernel here: {fastest}");
        Assert.NotEqual(GaloisKernel.Auto, fastest);
        Assert.True(ReedSolomonCodec.IsKernelSupported(fastest));
        Assert.Equal(fastest, ReedSolomonCodec.Create(3, 2).Kernel);
    }

    [Theory]
    [MemberData(nameof(VectorKernels))]
    public void Codecs_on_every_kernel_encode_and_rebuild_identical_bytes(GaloisKernel kernel)
    {
        var seed = TestRandom.Seed(2002 + (int)kernel);
        output.WriteLine($"seed {seed}, kernel {kernel}");
        var random = new Random(seed);
        foreach (var (k, m) in new[] { (4, 2), (10, 4), (29, 51) })
        {
            var length = (random.Next(1, 40_000) * 2) + 1; // odd
            var scalar = ReedSolomonCodec.Create(k, m, GaloisKernel.Scalar);
            var vector = ReedSolomonCodec.Create(k, m, kernel);
            var viaScalar = Shards.Random(random, k, m, length);
            var viaVector = Shards.Copy(viaScalar);
            scalar.Encode(viaScalar);
            vector.Encode(viaVector);
            Shards.AssertEqual(viaScalar, viaVector, $"seed {seed}: encode ({k},{m}) length {length}");

            var present = Shards.RandomPresence(random, k + m, m);
            var lost = Shards.Copy(viaVector);
            Shards.Wipe(lost, present, random);
            vector.Reconstruct(lost, present);
            Shards.AssertEqual(viaScalar, lost, $"seed {seed}: reconstruct ({k},{m}) length {length}");
        }
    }
}
