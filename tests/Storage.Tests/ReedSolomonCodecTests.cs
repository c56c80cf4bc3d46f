using Marketplace.Storage.ReedSolomon;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Storage.Tests;

public sealed class ReedSolomonCodecTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, 2, 37)]
    [InlineData(6, 3, 101)]
    [InlineData(10, 4, 257)]
    [InlineData(1, 1, 9)]
    [InlineData(2, 3, 64)]
    public void Every_erasure_pattern_of_up_to_m_shards_is_rebuilt(int k, int m, int length)
    {
        var seed = TestRandom.Seed(k * 1000 + m);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var codec = ReedSolomonCodec.Create(k, m);
        var original = Shards.Random(random, k, m, length);
        codec.Encode(original);
        Assert.True(codec.Verify(original));

        var patterns = 0;
        var n = k + m;
        for (var mask = 0; mask < 1 << n; mask++)
        {
            var lost = int.PopCount(mask);
            if (lost > m)
            {
                continue;
            }

            var present = new bool[n];
            for (var i = 0; i < n; i++)
            {
                present[i] = (mask & (1 << i)) == 0;
            }

            var all = Shards.Copy(original);
            Shards.Wipe(all, present, random);
            codec.Reconstruct(all, present);
            Shards.AssertEqual(original, all, $"seed {seed}, ({k},{m}), lost mask {mask:x}");

            var dataOnly = Shards.Copy(original);
            Shards.Wipe(dataOnly, present, random);
            codec.ReconstructData(dataOnly, present);
            Shards.AssertEqual(original[..k], dataOnly[..k], $"seed {seed}, ({k},{m}) data only, lost mask {mask:x}");
            patterns++;
        }

        output.WriteLine($"({k},{m}): {patterns} erasure patterns rebuilt");
        Assert.Equal(CountPatterns(n, m), patterns);
    }

    [Theory]
    [InlineData(29, 51, 40, 1013)]
    [InlineData(17, 238, 12, 333)]
    [InlineData(200, 55, 12, 129)]
    [InlineData(254, 1, 20, 65)]
    public void Random_erasure_patterns_of_large_codes_are_rebuilt(int k, int m, int rounds, int length)
    {
        var seed = TestRandom.Seed(k * 1000 + m);
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var codec = ReedSolomonCodec.Create(k, m);
        var original = Shards.Random(random, k, m, length);
        codec.Encode(original);
        Assert.True(codec.Verify(original));
        for (var round = 0; round < rounds; round++)
        {
            // Half the rounds lose exactly m shards (the worst case), the others any number up to m.
            var lost = round % 2 == 0 ? m : random.Next(0, m + 1);
            var present = Shards.RandomPresence(random, k + m, lost);
            var all = Shards.Copy(original);
            Shards.Wipe(all, present, random);
            codec.Reconstruct(all, present);
            Shards.AssertEqual(original, all, $"seed {seed}, ({k},{m}), round {round}, lost {lost}");
        }
    }

    [Fact]
    public void Data_shards_are_kept_as_they_are_and_parity_is_overwritten()
    {
        var random = new Random(TestRandom.Seed(7));
        var codec = ReedSolomonCodec.Create(3, 2);
        var shards = Shards.Random(random, 3, 2, 50);
        var data = Shards.Copy(shards);
        codec.Encode(shards);
        Shards.AssertEqual(data[..3], shards[..3], "data");

        var again = Shards.Copy(shards);
        again[3].Span.Fill(0xAA);
        again[4].Span.Fill(0x55);
        codec.Encode(again);
        Shards.AssertEqual(shards, again, "parity does not depend on what the parity buffers held");
    }

    [Fact]
    public void Verify_detects_any_changed_byte()
    {
        var seed = TestRandom.Seed(8);
        var random = new Random(seed);
        var codec = ReedSolomonCodec.Create(5, 3);
        var shards = Shards.Random(random, 5, 3, 40_000);
        codec.Encode(shards);
        for (var round = 0; round < 40; round++)
        {
            var shard = random.Next(8);
            var position = random.Next(40_000);
            var bit = (byte)(1 << random.Next(8));
            shards[shard].Span[position] ^= bit;
            Assert.False(codec.Verify(shards), $"seed {seed}: shard {shard} byte {position} changed");
            shards[shard].Span[position] ^= bit;
            Assert.True(codec.Verify(shards));
        }
    }

    [Fact]
    public void Empty_shards_encode_verify_and_rebuild()
    {
        var codec = ReedSolomonCodec.Create(3, 2);
        var shards = new Memory<byte>[] { Array.Empty<byte>(), Array.Empty<byte>(), Array.Empty<byte>(), Array.Empty<byte>(), Array.Empty<byte>() };
        codec.Encode(shards);
        Assert.True(codec.Verify(shards));
        codec.Reconstruct(shards, [false, true, false, true, true]);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 0)]
    [InlineData(-1, 2)]
    [InlineData(4, -3)]
    [InlineData(200, 56)]
    [InlineData(255, 1)]
    [InlineData(1, 255)]
    [InlineData(int.MaxValue, 1)]
    public void Shard_counts_out_of_range_are_refused(int k, int m)
    {
        var error = Assert.Throws<ErasureCodingException>(() => ReedSolomonCodec.Create(k, m));
        Assert.Equal(ErasureCodingError.InvalidShardCounts, error.Error);
    }

    [Fact]
    public void An_unknown_kernel_is_refused()
    {
        var error = Assert.Throws<ErasureCodingException>(() => ReedSolomonCodec.Create(4, 2, (GaloisKernel)99));
        Assert.Equal(ErasureCodingError.KernelNotSupported, error.Error);
        Assert.False(ReedSolomonCodec.IsKernelSupported((GaloisKernel)99));
    }

    [Fact]
    public void Wrong_shard_counts_and_lengths_are_refused()
    {
        var codec = ReedSolomonCodec.Create(4, 2);
        var random = new Random(TestRandom.Seed(9));
        var shards = Shards.Random(random, 4, 2, 100);

        Assert.Equal(ErasureCodingError.ShardCountMismatch,
            Assert.Throws<ErasureCodingException>(() => codec.Encode(shards[..5])).Error);
        Assert.Equal(ErasureCodingError.ShardCountMismatch,
            Assert.Throws<ErasureCodingException>(() => codec.Verify(shards[..3])).Error);
        Assert.Equal(ErasureCodingError.ShardCountMismatch,
            Assert.Throws<ErasureCodingException>(() => codec.Reconstruct(shards, [true, true, true, true, true])).Error);

        var uneven = Shards.Copy(shards);
        uneven[5] = new byte[99];
        Assert.Equal(ErasureCodingError.ShardLengthMismatch, Assert.Throws<ErasureCodingException>(() => codec.Encode(uneven)).Error);
        Assert.Equal(ErasureCodingError.ShardLengthMismatch, Assert.Throws<ErasureCodingException>(() => codec.Verify(uneven)).Error);
        Assert.Equal(ErasureCodingError.ShardLengthMismatch,
            Assert.Throws<ErasureCodingException>(() => codec.Reconstruct(uneven, [true, true, true, true, true, false])).Error);
    }

    [Fact]
    public void Fewer_than_k_present_shards_are_refused_and_nothing_is_written()
    {
        var codec = ReedSolomonCodec.Create(4, 2);
        var random = new Random(TestRandom.Seed(10));
        var shards = Shards.Random(random, 4, 2, 100);
        codec.Encode(shards);
        var before = Shards.Copy(shards);
        var error = Assert.Throws<ErasureCodingException>(() => codec.Reconstruct(shards, [true, false, true, false, true, false]));
        Assert.Equal(ErasureCodingError.NotEnoughShards, error.Error);
        Assert.Contains("3 of 6", error.Message);
        Shards.AssertEqual(before, shards, "after a refused rebuild");
    }

    [Fact]
    public void Encode_reconstruct_and_verify_allocate_nothing_once_warm()
    {
        var codec = ReedSolomonCodec.Create(10, 4);
        var random = new Random(TestRandom.Seed(11));
        var shards = Shards.Random(random, 10, 4, 100_003);
        bool[] present = [false, true, true, false, true, true, true, true, true, true, true, false, true, false];
        for (var warm = 0; warm < 3; warm++)
        {
            codec.Encode(shards);
            codec.Reconstruct(shards, present);
            codec.ReconstructData(shards, present);
            Assert.True(codec.Verify(shards));
        }

        // A garbage collection caused by tests running beside this one may trim the shared array pool, so the next
        // rent after it allocates once. A codec that allocates per call allocates in every pass; one pass of the
        // three allocating nothing is the proof.
        var passes = new long[3];
        for (var pass = 0; pass < passes.Length; pass++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var round = 0; round < 10; round++)
            {
                codec.Encode(shards);
                codec.Reconstruct(shards, present);
                codec.ReconstructData(shards, present);
                codec.Verify(shards);
            }

            passes[pass] = GC.GetAllocatedBytesForCurrentThread() - before;
            if (passes[pass] == 0)
            {
                return;
            }
        }

        Assert.Fail($"every pass of 10 rounds allocated: {string.Join(", ", passes)} bytes");
    }

    // The number of ways to lose at most m of n shards: the sum of C(n, e) for e = 0..m.
    private static int CountPatterns(int n, int m)
    {
        var count = 0;
        long binomial = 1;
        for (var e = 0; e <= m; e++)
        {
            count += (int)binomial;
            binomial = binomial * (n - e) / (e + 1);
        }

        return count;
    }
}
