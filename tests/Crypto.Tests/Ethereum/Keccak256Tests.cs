using System.Security.Cryptography;
using Marketplace.Crypto.Ethereum;
using Org.BouncyCastle.Crypto.Digests;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Ethereum;

public sealed class Keccak256Tests(ITestOutputHelper output)
{
    [Fact]
    public void MatchesBouncyCastleKeccakOnRandomInputsOfEveryLengthAroundTheRate()
    {
        const int seed = 4_2561;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var length = 0; length <= 3 * 136 + 2; length++)
        {
            var input = new byte[length];
            random.NextBytes(input);
            Assert.Equal(BouncyCastleKeccak(input), Keccak256.Hash(input));
        }

        for (var i = 0; i < 20; i++)
        {
            var input = new byte[random.Next(1_000, 20_000)];
            random.NextBytes(input);
            Assert.Equal(BouncyCastleKeccak(input), Keccak256.Hash(input));
        }
    }

    [Fact]
    public void IsNotFipsSha3()
    {
        var abc = "abc"u8.ToArray();
        var fips = new Sha3Digest(256);
        fips.BlockUpdate(abc, 0, abc.Length);
        var sha3 = new byte[32];
        fips.DoFinal(sha3, 0);
        Assert.NotEqual(sha3, Keccak256.Hash(abc));
        if (SHA3_256.IsSupported)
        {
            Assert.NotEqual(SHA3_256.HashData(abc), Keccak256.Hash(abc));
        }
    }

    [Fact]
    public void HashingIntoASpanAllocatesNothing()
    {
        var input = new byte[1000];
        Span<byte> destination = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(input, destination);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Keccak256.Hash(input, destination);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(Keccak256.Hash(input), destination.ToArray());
    }

    [Fact]
    public void WritesOnlyTheFirst32BytesOfALongerDestination()
    {
        var destination = Enumerable.Repeat((byte)0xEE, 40).ToArray();
        Keccak256.Hash("abc"u8, destination);
        Assert.Equal(Keccak256.Hash("abc"u8), destination[..32]);
        Assert.All(destination[32..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void RejectsAShortDestination()
    {
        var error = Assert.Throws<ArgumentException>(() => Keccak256.Hash("abc"u8, new byte[31]));
        Assert.Contains("32", error.Message, StringComparison.Ordinal);
    }

    private static byte[] BouncyCastleKeccak(byte[] input)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(input, 0, input.Length);
        var result = new byte[32];
        digest.DoFinal(result, 0);
        return result;
    }
}
