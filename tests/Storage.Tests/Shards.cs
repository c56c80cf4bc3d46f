using Xunit;

namespace Marketplace.Storage.Tests;

/// <summary>Shard sets for codec tests: k + m buffers of one length.</summary>
internal static class Shards
{
    /// <summary>k random data shards and m parity buffers filled with garbage (encode must overwrite them).</summary>
    public static Memory<byte>[] Random(Random random, int k, int m, int length)
    {
        var shards = new Memory<byte>[k + m];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = TestRandom.Bytes(random, length);
        }

        return shards;
    }

    public static Memory<byte>[] Copy(Memory<byte>[] shards)
    {
        var copy = new Memory<byte>[shards.Length];
        for (var i = 0; i < shards.Length; i++)
        {
            copy[i] = shards[i].ToArray();
        }

        return copy;
    }

    /// <summary>Exactly <paramref name="lost"/> shards marked absent, chosen at random.</summary>
    public static bool[] RandomPresence(Random random, int total, int lost)
    {
        var present = new bool[total];
        Array.Fill(present, true);
        for (var removed = 0; removed < lost;)
        {
            var i = random.Next(total);
            if (present[i])
            {
                present[i] = false;
                removed++;
            }
        }

        return present;
    }

    /// <summary>Overwrites the absent shards with random bytes, so a rebuild cannot pass by leaving them alone.</summary>
    public static void Wipe(Memory<byte>[] shards, bool[] present, Random random)
    {
        for (var i = 0; i < shards.Length; i++)
        {
            if (!present[i])
            {
                random.NextBytes(shards[i].Span);
            }
        }
    }

    public static void AssertEqual(Memory<byte>[] expected, Memory<byte>[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Span.SequenceEqual(actual[i].Span), $"{context}: shard {i} differs");
        }
    }
}
