using System.Text;
using Marketplace.Crypto.Hashing;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Hashing;

public sealed class Blake3Tests(ITestOutputHelper output)
{
    // Inputs are the official BLAKE3 test-vector pattern: byte i is i % 251. Expected digests were produced with the
    // reference b3sum 1.2.0 (Debian) and agree with the published test_vectors.json where lengths overlap.
    public static TheoryData<int, string> PatternVectors => new()
    {
        { 0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262" },
        { 1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213" },
        { 63, "e9bc37a594daad83be9470df7f7b3798297c3d834ce80ba85d6e207627b7db7b" },
        { 64, "4eed7141ea4a5cd4b788606bd23f46e212af9cacebacdc7d1f4c6dc7f2511b98" },
        { 65, "de1e5fa0be70df6d2be8fffd0e99ceaa8eb6e8c93a63f2d8d1c30ecb6b263dee" },
        { 1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11" },
        { 1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7" },
        { 1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444" },
        { 2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a" },
        { 2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030" },
        { 3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2" },
        { 3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3" },
        { 4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969" },
        { 4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995" },
        { 5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff" },
        { 8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b" },
        { 31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47" },
        { 102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085" },
    };

    [Theory]
    [MemberData(nameof(PatternVectors))]
    public void OneShotMatchesTheReference(int length, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(Blake3.Hash(Pattern(length))));
    }

    [Theory]
    [MemberData(nameof(PatternVectors))]
    public void IncrementalInAnySplitMatchesOneShot(int length, string expected)
    {
        var input = Pattern(length);
        var seed = 20261122 + length;
        var random = new Random(seed);
        var hasher = new Blake3();
        var offset = 0;
        while (offset < input.Length)
        {
            var take = Math.Min(input.Length - offset, random.Next(1, 1500));
            hasher.Append(input.AsSpan(offset, take));
            offset += take;
        }

        Assert.True(expected == Convert.ToHexStringLower(hasher.GetHash()), $"seed {seed}");

        // Byte-at-a-time over block and chunk edges, and reading the hash does not disturb the state.
        hasher.Reset();
        foreach (var b in input)
        {
            hasher.Append([b]);
        }

        Assert.Equal(expected, Convert.ToHexStringLower(hasher.GetHash()));
        Assert.Equal(expected, Convert.ToHexStringLower(hasher.GetHash()));
    }

    [Fact]
    public void ExtendedOutputMatchesTheReference()
    {
        // b3sum -l 131 over the 1025-byte pattern: more than two output blocks, ending mid-block.
        const string expected = "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444f4c4a22b4b399155358a994e52bf255de60035742ec71bd08ac275a1b51cc6bfe332b0ef84b409108cda080e6269ed4b3e2c3f7d722aa4cdc98d16deb554e5627be8f955c98e1d5f9565a9194cad0c4285f93700062d9595adb992ae68ff12800ab67a";
        var destination = new byte[131];
        Blake3.HashExtended(Pattern(1025), destination);
        Assert.Equal(expected, Convert.ToHexStringLower(destination));

        var hasher = new Blake3();
        hasher.Append(Pattern(1025));
        var again = new byte[131];
        hasher.GetHash(again);
        Assert.Equal(destination, again);
    }

    [Fact]
    public void KvstoreChecksumGolden()
    {
        // seeds.md §4.4: checksum of "Hello, KVSTORE!".
        Assert.Equal(
            "840a44395252bd4175f63ee89d291e1200a83c888b2ff2dfb586f3ffc945380a",
            Convert.ToHexStringLower(Blake3.Hash(Encoding.ASCII.GetBytes("Hello, KVSTORE!"))));
    }

    [Fact]
    public void LargeRandomInputAgreesAcrossApis()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var input = new byte[random.Next(100_000, 300_000)];
        random.NextBytes(input);
        var oneShot = Blake3.Hash(input);
        var hasher = new Blake3();
        hasher.Append(input.AsSpan(0, input.Length / 3));
        hasher.Append(input.AsSpan(input.Length / 3));
        Assert.Equal(oneShot, hasher.GetHash());
        var extended = new byte[64];
        Blake3.HashExtended(input, extended);
        Assert.Equal(oneShot, extended[..32]);
    }

    [Fact]
    public void ShortDestinationIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Blake3.Hash("x"u8, new byte[31]));
    }

    [Fact]
    public void OneShotDoesNotAllocate()
    {
        var input = Pattern(5000);
        var destination = new byte[32];
        Blake3.Hash(input, destination);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Blake3.Hash(input.AsSpan(0, 100), destination);
            Blake3.Hash(input, destination);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    internal static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }
}
